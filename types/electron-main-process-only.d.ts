// The renderer, the worker and the shared code run without Electron: their tsconfigs resolve
// "electron" to this file, which exports nothing, so importing Electron there fails the typecheck
// ("is not a module"). Only src-main may use Electron's APIs.
declare const electronIsForTheMainProcessOnly: unique symbol;
