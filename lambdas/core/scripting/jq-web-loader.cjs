'use strict';

// jq-web's module.exports is a promise. Reached from ESM through an import, that promise becomes the
// default export of a namespace which some loaders make thenable (vitest's interop proxy forwards
// `then`), and awaiting the namespace then fails. Requiring it from CommonJS hands back the promise.
exports.requireJqWeb = () => require('jq-web');
