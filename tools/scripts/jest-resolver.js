// kubernetes-models and @kubernetes-models/* export only an `import` condition; resolve them
// (and only them) as ESM so jest can compile them to CommonJS. Everything else resolves normally.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/|is-cidr|cidr-regex|ip-regex)/;

module.exports = (request, options) => {
  if (ESM_ONLY.test(request) || (options.basedir && /node_modules[\\/](kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)[\\/]/.test(options.basedir) && !request.startsWith('.'))) {
    return options.defaultResolver(request, { ...options, conditions: ['import', 'default', 'node'] });
  }
  return options.defaultResolver(request, options);
};
