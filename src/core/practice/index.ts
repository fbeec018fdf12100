/** Practice mode engine (no `vscode` import): the extension is a thin shell over these modules. */
export * from './accounting';
export * from './ai-settings';
export * from './calendar';
export * from './exercise';
export * from './goals';
export * from './history';
export * from './journal';
export * from './json';
export * from './session';
export * from './settings-plan';
