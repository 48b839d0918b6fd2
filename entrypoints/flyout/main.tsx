import { render } from 'preact';
import '@/components/styles/theme.css';
import './flyout.css';
import { FlyoutApp } from './App';

// The move window the background opens for alerts selected on a web page.
render(<FlyoutApp hash={location.hash} close={() => window.close()} />, document.getElementById('app')!);
