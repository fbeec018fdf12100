// Injected into every bundle by build.mjs: the bundle's own file URL, which stands in for
// `import.meta.url` in the ES modules it contains (web-tree-sitter locates itself with it).
export const __bundleFileUrl = require('node:url').pathToFileURL(__filename).href;
