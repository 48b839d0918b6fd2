import { render } from 'preact';
import '@/components/styles/theme.css';
import { App } from './App';

render(<App />, document.getElementById('app')!);
