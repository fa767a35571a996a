// Names each documented module after its package subpath ("tokio-ts/sync"
// rather than "sync"; the prelude is "tokio-ts"), so the API reference reads
// as users import it.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      mod.name = mod.name === 'index' ? 'tokio-ts' : `tokio-ts/${mod.name}`;
    }
  });
}
