import { render } from 'preact';
import '@/components/styles/theme.css';
import './flyout.css';
import { FlyoutApp } from './App';

// The move flyout for pages that list alerts: framed by the content script, in the extension's origin.
render(
  <FlyoutApp hash={location.hash} parent={window.parent === window ? undefined : window.parent} />,
  document.getElementById('app')!,
);
