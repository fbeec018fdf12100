import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { startCheckWorkerIfAsked } from '../core/check/check-worker';

// Started by the client over IPC (see src/client/client.ts); `--stdio` works too for other editors.
// A whole-workspace check (the report's inputs) runs its worker threads on this same bundle.
if (!startCheckWorkerIfAsked()) startServer(createConnection(ProposedFeatures.all));
