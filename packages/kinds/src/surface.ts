/**
 * Not every kind takes a whole pod template: a TrainJob changes pods only through restricted
 * `runtimePatches`, a ServingRuntime takes a few pod fields, Spark's driver and executor have
 * typed fields of their own. A surface says which pod and container fields a kind accepts where it
 * places a template; a field outside it is an error that says where to set it instead — never
 * silently dropped.
 */
export interface PodSurface {
  /** What the surface is, for messages: "a TrainJob's runtimePatches". */
  readonly name: string;
  /** The pod spec fields it accepts. */
  readonly podFields: readonly string[];
  /** The fields it accepts of each container and init container. */
  readonly containerFields: readonly string[];
  /** Where to set what it does not accept, e.g. "on the TrainingRuntime the TrainJob refers to". */
  readonly elsewhere: string;
}

/**
 * What cdk8s-plus writes into every pod spec and container whether asked or not: a restricted
 * surface leaves these out when they hold exactly this value (they are not the user's settings).
 * Resources are not among them: strata containers always state theirs.
 */
const PLUS_POD_DEFAULTS: { readonly [field: string]: unknown } = {
  dnsPolicy: 'ClusterFirst',
  hostNetwork: false,
  setHostnameAsFQDN: false,
  automountServiceAccountToken: false,
  terminationGracePeriodSeconds: 30,
};
const PLUS_CONTAINER_DEFAULTS: { readonly [field: string]: unknown } = {
  imagePullPolicy: 'Always',
};

/** A pod spec cut to a surface: what it keeps, and a message for each field it cannot take. */
export interface RestrictedSpec {
  readonly spec: { [field: string]: any };
  readonly refused: string[];
}

/**
 * Cuts a rendered pod spec to what `surface` takes. `alsoIgnore` names pod fields the kind sets
 * itself (such as `restartPolicy`), which are dropped without a message.
 */
export function restrictPodSpec(spec: { readonly [field: string]: any }, surface: PodSurface, alsoIgnore: readonly string[] = []): RestrictedSpec {
  const refused: string[] = [];
  const out: { [field: string]: any } = {};
  const refuse = (field: string, value: unknown) =>
    refused.push(`${surface.name} takes only ${listOf(field.includes('.') ? surface.containerFields : surface.podFields)}${field.includes('.') ? ' of a container' : ''}: '${field}' (${JSON.stringify(value)}) cannot be set there; set it ${surface.elsewhere}`);
  for (const [field, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (alsoIgnore.includes(field)) continue;
    if (!surface.podFields.includes(field)) {
      if (field in PLUS_POD_DEFAULTS && JSON.stringify(PLUS_POD_DEFAULTS[field]) === JSON.stringify(value)) continue;
      refuse(field, value);
      continue;
    }
    if (field === 'containers' || field === 'initContainers') {
      out[field] = (value as any[]).map((c) => {
        const kept: { [k: string]: any } = {};
        for (const [k, v] of Object.entries(c)) {
          if (v === undefined) continue;
          if (surface.containerFields.includes(k)) kept[k] = v;
          else if (!(k in PLUS_CONTAINER_DEFAULTS && JSON.stringify(PLUS_CONTAINER_DEFAULTS[k]) === JSON.stringify(v))) refuse(`${field}[${c.name}].${k}`, v);
        }
        return kept;
      });
      continue;
    }
    out[field] = value;
  }
  return { spec: out, refused };
}

function listOf(fields: readonly string[]): string {
  return fields.join(', ');
}
