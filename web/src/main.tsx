import { render } from 'preact';
import '@fontsource/noto-sans/latin-400.css';
import '@fontsource/noto-sans/latin-700.css';
import '@fontsource/noto-sans-thai/thai-400.css';
import '@fontsource/noto-sans-thai/thai-700.css';
import './styles.css';
import { App } from './app';
import { applyToDocument } from './i18n/i18n';
import { loadSession } from './lib/session';

applyToDocument();
void loadSession();
render(<App />, document.getElementById('app')!);
