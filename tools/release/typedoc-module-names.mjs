// A TypeDoc plugin: names each entry module by the import specifier a user writes
// (`@servehttp/middleware-kit/cors`) instead of the name TypeDoc derives from its path (`cors`, or
// `""` for a package's "." entry next to a subpath). scripts/docs.ts passes the map from source
// file to specifier, built from each package's `exports`, as the `servehttpModuleNames` option.
// Plain JavaScript: TypeDoc loads plugins with Node's loader, and this folder is not type-checked.
import { Converter, ParameterType, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.options.addDeclaration({
    name: 'servehttpModuleNames',
    help: 'servehttp: a map from an entry point (absolute path) to the name of its module',
    type: ParameterType.Mixed,
    defaultValue: {},
  });
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const names = /** @type {Record<string, string>} */ (
      app.options.getValue('servehttpModuleNames')
    );
    const symbol = context.getSymbolFromReflection(reflection);
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName;
    const name = file === undefined ? undefined : names[file];
    if (name !== undefined) reflection.name = name;
    else
      app.logger.error(`servehttp: no module name for ${reflection.name} (${file ?? 'no file'})`);
  });
}
