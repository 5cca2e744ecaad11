import { Tokens } from './token';

/**
 * Mount paths of one container that cannot work together:
 * - **the same path twice**: the API server refuses the pod ("must be unique",
 *   kubernetes/kubernetes@v1.33.0 pkg/apis/core/validation/validation.go `ValidateVolumeMounts`);
 * - **a path inside another mount** whose volume is not a writable emptyDir: the kubelet's runtime
 *   creates the inner mount point inside the outer volume when the container starts; on a
 *   read-only mount that fails ("read-only file system"), and on a file system strata does not own
 *   (a claim, a CSI volume: EFS, FSx, a Mountpoint bucket) it writes a directory into shared data
 *   or is refused by its permissions — the container then never starts.
 * Paths built from values are not compared (their values are unknown here).
 */
export function mountProblems(spec: any): string[] {
  const problems: string[] = [];
  const volumes = new Map<string, any>((spec?.volumes ?? []).map((v: any) => [v?.name, v]));
  for (const kind of ['initContainers', 'containers'] as const) {
    for (const c of spec?.[kind] ?? []) {
      const mounts = ((c?.volumeMounts ?? []) as any[]).filter((m) => typeof m?.mountPath === 'string' && !Tokens.isToken(m.mountPath));
      const where = `${kind === 'containers' ? 'container' : 'init container'} "${c.name}"`;
      const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
      const seen = new Map<string, string>();
      for (const m of mounts) {
        const path = norm(m.mountPath);
        const first = seen.get(path);
        if (first !== undefined) {
          problems.push(`${where}: volumeMounts '${path}' (volumes "${first}" and "${m.name}") must be unique; the API server refuses a pod mounting two volumes at one path: mount one of them elsewhere`);
        } else seen.set(path, m.name);
      }
      for (const outer of mounts) {
        const o = norm(outer.mountPath);
        const v = volumes.get(outer.name);
        const writableScratch = v?.emptyDir !== undefined && outer.readOnly !== true;
        if (writableScratch) continue;
        for (const inner of mounts) {
          const i = norm(inner.mountPath);
          if (i === o || !i.startsWith(o === '/' ? '/' : `${o}/`)) continue;
          const why = outer.readOnly === true ? 'is mounted read-only' : 'is not a writable emptyDir';
          problems.push(
            `${where}: volumeMount '${i}' (volume "${inner.name}") must not be inside '${o}' (volume "${outer.name}", which ${why}): the container runtime creates the mount point inside that volume at start, which fails or writes into its data; mount "${inner.name}" beside it, e.g. at '/${i.split('/').filter(Boolean).join('-')}'`,
          );
        }
      }
    }
  }
  return problems;
}
