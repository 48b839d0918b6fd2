import { expect, test } from './fixtures';

test('the page flyout refuses an unknown or expired move window, in words', async ({ openExtensionPage }) => {
  const page = await openExtensionPage('flyout.html#not-a-real-nonce');
  await expect(page.getByRole('alert')).toHaveText(
    'This move window has expired. Select the alerts on the page again.',
  );
  await expect(page.getByRole('dialog')).toHaveCount(0);
});
