// Start-up: pick the transport (Electron bridge or HTTP/WS with the URL's token), create the stores
// and render the dashboard — or say plainly why it cannot connect.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { ErrorPanel } from './components/screen-state.js';
import { BerthProvider, createStores } from './state/index.js';
import { connect } from './transport/index.js';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
try {
  const { client, transport } = connect();
  const stores = createStores(client);
  (window as unknown as { __berthEvents?: unknown }).__berthEvents = stores.events;
  root.render(
    <StrictMode>
      <BerthProvider stores={stores}>
        <App transport={transport} />
      </BerthProvider>
    </StrictMode>,
  );
} catch (err) {
  root.render(
    <div className="main">
      <h1>Berth</h1>
      <ErrorPanel title="Cannot connect to Berth" message={err instanceof Error ? err.message : String(err)} />
    </div>,
  );
}
