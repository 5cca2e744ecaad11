// roots: only test/ is crawled. src/ holds 21 MB of generated .js/.d.ts that jest would otherwise scan for
// dependencies on every cold run (about 8 s here); tests still load it through the package's entry points.
module.exports = { ...require('../../jest.preset.js'), roots: ['<rootDir>/test'] };
