import { isLiteral, Rules } from '@strata/storage';
import { OBJECT_NAME, describePattern } from '@strata/tokens';
import { AWS_CLI_IMAGE } from './container-spec';
import { COMMAND_FETCH, HF_FETCH, hydrationScript, HYDRATE_S3_PINNED_SCRIPT, HYDRATE_SCRIPT, IMAGE_FETCH, NGC_FETCH } from './hydration-scripts';
import { checkS3Location, S3Location } from './s3-location';

/**
 * Where a Model Repository's versions come from. Every source fills `<cache>/<version>/` through
 * the same hydration Job (content-named, gated, marked ready last: see hydration-scripts.ts); a
 * source says only which image runs, what step fills the directory, and what it needs. Make one
 * with `ModelSources`, or implement it for a source of your own (or use `ModelSources.command`).
 */
export interface IModelSource {
  /** What kind of source this is, for messages: 's3', 'huggingFace', 'ngc', 'image', 'command', or your own. */
  readonly kind: string;
  /** The source's part of the hydration, checked with the repository's rules. */
  bind(context: ModelSourceContext): ModelSourceBinding;
}

/** What a source is bound with. */
export interface ModelSourceContext {
  /** The repository's rule book: record the source's problems here. */
  readonly rules: Rules;
  /** The prop the source is in, for messages ('source'). */
  readonly field: string;
  /** The version being served (it may be a value). */
  readonly version: string;
}

/** A key of a Secret in the release's namespace, made outside the chart. */
export interface SecretKeyRef {
  /** The Secret's name (a DNS subdomain). */
  readonly name: string;
  /** The key in the Secret. */
  readonly key: string;
}

/** What a source brings to the hydration Job (and to the servers). */
export interface ModelSourceBinding {
  /**
   * What names the model (e.g. `hf://owner/name@<commit>`): recorded in the version's directory, so
   * that a version already hydrated from another source fails loudly instead of being served.
   */
  readonly id: string;
  /** The image the step runs in. */
  readonly image: string;
  /** The whole hydration script (hydrationScript around the source's step). */
  readonly script: string;
  /**
   * Whether the script runs under busybox copied into the pod (TOOLS_SCRIPT): for images without a
   * shell, and so that the script is the one tested under busybox sh.
   * @default false - the image's /bin/sh
   */
  readonly tools?: boolean;
  /** Arguments after the script ($1…), e.g. the user's command. @default - none */
  readonly args?: readonly string[];
  /** Environment of the step. */
  readonly env: Readonly<Record<string, string>>;
  /** Environment of the step from Secrets (tokens, API keys). @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /** Environment of the servers (e.g. HF_HUB_OFFLINE). @default - none */
  readonly serverEnv?: Readonly<Record<string, string>>;
  /**
   * What pins the content of this version, so that it cannot change under the same name (e.g.
   * `commit <sha>`, `digest sha256:…`): stated in the chart (`strata.dev/versions`) and the
   * environment report. @default - not pinned: the report says why (`unpinned`)
   */
  readonly pin?: string;
  /** Why the content is not pinned, when `pin` is not given (the report shows it). @default - "the source states no pin" */
  readonly unpinned?: string;
  /**
   * Whether the step reads object versions by ID (s3:GetObjectVersion in the hydration's policy; a
   * Mountpoint cache, which reads current versions only, is refused). @default false
   */
  readonly readsObjectVersions?: boolean;
  /** The S3 location read: the hydration's (and a Mountpoint cache's servers') IAM policy. Only S3 sources. @default - no S3 access */
  readonly s3?: S3Location;
}

/** A Hugging Face Hub model repository (`owner/name`), as the Hub names them. */
export const HF_REPOSITORY = describePattern('^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$', 'a Hugging Face model repository "owner/name" (letters, digits, ".", "_" and "-", each part starting with a letter or digit)');
/** A git commit hash, as the Hub pins a revision. */
export const COMMIT_HASH = describePattern('^[0-9a-f]{40}$', 'a commit hash: 40 lowercase hex digits');
/** An NGC model version, `org/[team/]model:version`. */
export const NGC_MODEL = describePattern('^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*){1,2}:[A-Za-z0-9][A-Za-z0-9_.-]*$', 'an NGC model version "org/[team/]model:version"');
/** A Kubernetes object name (DNS subdomain), for Secrets. */
/** A Secret's name (a Kubernetes object name). */
export const SECRET_NAME = OBJECT_NAME;
/** A key of a Secret's data. */
export const SECRET_KEY = describePattern('^[-._a-zA-Z0-9]+$', 'a Secret key (letters, digits, "-", "_" and ".")');
/** An environment variable name. */
export const ENV_NAME = describePattern('^[A-Za-z_][A-Za-z0-9_]*$', 'an environment variable name (letters, digits and "_", not starting with a digit)');
/** An absolute directory other than "/". */
export const IMAGE_DIRECTORY = describePattern('^/[^/]+(/[^/]+)*/?$', 'an absolute directory other than "/", such as "/models"');
/** An image reference: no spaces. */
const IMAGE_REFERENCE = describePattern('^[^\\s]+$', 'an image reference such as "registry/repository:tag" (no spaces)');

/** An S3 object version ID, as S3 returns it (list-object-versions, put-object). */
export const OBJECT_VERSION_ID = describePattern('^\\S+$', 'an S3 object version ID as list-object-versions prints it (no spaces)');
/** An object key: not empty, no leading "/", not ending in "/", no spaces. */
export const OBJECT_KEY = describePattern('^[^/\\s]([^\\s]*[^/\\s])?$', 'an object key (no leading "/", not ending in "/", no spaces)');

/** Keys under a literal prefix, as a described pattern. */
function keyUnder(prefix: string): string {
  return describePattern(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, `a key under "${prefix}" (the source's prefix)`);
}

/**
 * The object versions an S3 version is pinned to: a manifest object, read at its own version ID,
 * listing `<key>\t<version id>` for each object under `<prefix><version>/`, as
 * `aws s3api list-object-versions --bucket <bucket> --prefix <prefix><version>/ --query 'Versions[?IsLatest].[Key,VersionId]' --output text`
 * prints it. The hydration then gets each object at its version (`aws s3api get-object --version-id`),
 * so overwriting the prefix later changes nothing this version serves. Needs versioning on the bucket,
 * and a hydrated cache (EFS or FSx for Lustre): Mountpoint reads current versions only.
 */
export interface S3ObjectVersions {
  /** The manifest's key, under the source's prefix (the hydration's policy covers only the prefix), e.g. `llama/v3.manifest`. */
  readonly manifestKey: string;
  /** The manifest's version ID (what `aws s3api put-object` printed when it was uploaded). */
  readonly manifestVersionId: string;
}

/** Options of `ModelSources.s3`. */
export interface S3SourceOptions {
  /** Pin the version to object versions through a manifest. @default - not pinned: the current objects under the prefix */
  readonly objectVersions?: S3ObjectVersions;
}

/** Options of `ModelSources.huggingFace`. */
export interface HuggingFaceSourceProps {
  /** The model repository on the Hub, `owner/name` (e.g. `meta-llama/Llama-3.1-8B-Instruct`). */
  readonly repository: string;
  /**
   * The commit to download: 40 hex digits. A branch or a tag can move, and the cache would then hold
   * another model under the same version: pin the commit (the Hub's "Files and versions" history, or
   * `hf api` / `HfApi().model_info(repo).sha`).
   */
  readonly revision: string;
  /**
   * The Secret key holding an access token (HF_TOKEN of the hydration Job): needed for gated and
   * private models, whose terms the token's account must have accepted on the Hub.
   * @default - no token: public models only
   */
  readonly token?: SecretKeyRef;
  /**
   * An image with huggingface_hub's command line (`hf`, from huggingface_hub 0.34; or
   * `huggingface-cli` before), e.g. your inference server's image (vLLM's ships huggingface_hub).
   * No default: strata names no third-party image it has not verified.
   */
  readonly image: string;
}

/** Options of `ModelSources.ngc`. */
export interface NgcSourceProps {
  /** The model version on NGC, `org/[team/]model:version` (what `ngc registry model download-version` takes). */
  readonly model: string;
  /** The Secret key holding the NGC API key (NGC_CLI_API_KEY of the hydration Job). @default - none: public models only */
  readonly apiKey?: SecretKeyRef;
  /** An image with the NGC CLI (`ngc`). No default (see HuggingFaceSourceProps.image). */
  readonly image: string;
}

/** Options of `ModelSources.image`. */
export interface ImageSourceProps {
  /** The image that carries the model files (it needs no shell: strata copies one in). */
  readonly image: string;
  /** The directory of the image holding the model, e.g. `/models`; its content becomes `<cache>/<version>/`. */
  readonly path: string;
}

/** Options of `ModelSources.command`. */
export interface CommandSourceProps {
  /** The image the command runs in (with the image's own PATH; a shell is copied in for strata's part). */
  readonly image: string;
  /**
   * The command and its arguments. It runs with MODEL_TARGET (the directory to fill) and
   * MODEL_VERSION set, as the hydration's uid, and must exit 0 only once every file is there; it may
   * be run again after a failure (make it resumable or idempotent).
   */
  readonly command: readonly string[];
  /** Further environment of the command. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment of the command from Secrets. @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * What names the model the command fetches, recorded with each version (the same id is the same
   * model). Include whatever pins it (a URL with a checksum, a commit).
   * @default - "command:" with the image and the command
   */
  readonly id?: string;
  /** Environment of the servers (e.g. an offline switch of their loader). @default - none */
  readonly serverEnv?: Readonly<Record<string, string>>;
}

/**
 * Why a source's version can change under the same name (the environment report shows it).
 * - S3: `aws s3 sync` copies the current version of each object (the AWS CLI's `s3` commands take no
 *   object version: aws/aws-cli@2.36.7:awscli/customizations/s3/subcommands.py#L107-L118, where only `rb --force`
 *   mentions `--version-id`, of `s3api`), and Mountpoint reads the newest object data and has no
 *   option naming an object version (awslabs/mountpoint-s3@mountpoint-s3-1.23.0:doc/SEMANTICS.md#L79,
 *   mountpoint-s3/src/cli.rs). With bucket versioning, an overwritten object's earlier data stays as a
 *   noncurrent version: restore it into a new version prefix (docs/concepts.md, "Model and dataset versions"),
 *   or pin a hydrated version to its object versions (`ModelSources.s3(…, { objectVersions })`).
 * - NGC: strata has not verified that NGC refuses to replace the files of a published model version.
 * - An image by tag: a tag can be pushed again; a reference by digest (`@sha256:…`) pins the content.
 * - A command: what it fetches is known only to it (its `id` should name what pins it).
 */
export const UNPINNED = {
  s3: 'objects under the prefix can be overwritten, and aws s3 sync and Mountpoint read their current versions; a hydrated cache can pin them (ModelSources.s3 objectVersions)',
  ngc: 'an NGC model version (not verified to be immutable)',
  imageTag: 'an image tag can be pushed again; name the image by digest (@sha256:…) to pin it',
  command: 'what the command fetches is known only to it (see its id)',
  dataset: 'FSx for Lustre imports the objects under the prefix as S3 holds them now',
} as const;

/** The sources a Model Repository is filled from. */
export class ModelSources {
  /** S3: each version is the prefix `<prefix><version>/` of the bucket (the AWS CLI image, `aws s3 sync`). */
  public static s3(location: S3Location, options: S3SourceOptions = {}): IModelSource {
    return new S3Source(location, options);
  }

  /** The Hugging Face Hub: one repository at one commit per version (the servers get HF_HUB_OFFLINE=1). */
  public static huggingFace(props: HuggingFaceSourceProps): IModelSource {
    return new HuggingFaceSource(props);
  }

  /** NVIDIA NGC: one model version per version. */
  public static ngc(props: NgcSourceProps): IModelSource {
    return new NgcSource(props);
  }

  /** An image carrying the weights: its directory is copied into the cache. */
  public static image(props: ImageSourceProps): IModelSource {
    return new ImageSource(props);
  }

  /** Any command: it fills the version's directory (MODEL_TARGET). */
  public static command(props: CommandSourceProps): IModelSource {
    return new CommandSource(props);
  }

  /** A source as given: an IModelSource, or an S3 location (the S3 source). */
  public static of(source: IModelSource | S3Location): IModelSource {
    return isModelSource(source) ? source : new S3Source(source);
  }
}

/** Whether a value is a model source (rather than an S3 location). */
export function isModelSource(source: unknown): source is IModelSource {
  return typeof source === 'object' && source !== null && typeof (source as IModelSource).bind === 'function';
}

class S3Source implements IModelSource {
  public readonly kind = 's3';
  public constructor(private readonly location: S3Location, private readonly options: S3SourceOptions = {}) {}

  public bind({ rules, field, version }: ModelSourceContext): ModelSourceBinding {
    const prefix = checkS3Location(rules, field, this.location);
    const uri = `s3://${this.location.bucket}/${prefix}`;
    const s3 = { bucket: this.location.bucket, prefix };
    const pinned = this.options.objectVersions;
    if (pinned === undefined) return { id: `${uri}${version}/`, image: AWS_CLI_IMAGE, script: HYDRATE_SCRIPT, env: { SOURCE_URI: uri }, s3, unpinned: UNPINNED.s3 };
    const at = `${field}.objectVersions`;
    if (rules.required(`${at}.manifestKey`, pinned.manifestKey, 'the key of the manifest listing the version\'s object versions', `e.g. "${typeof prefix === 'string' ? prefix : ''}${typeof version === 'string' ? version : 'v1'}.manifest"`)) {
      if (rules.check(`${at}.manifestKey`, pinned.manifestKey, { pattern: OBJECT_KEY, maxLength: 1024 }, 'give the manifest\'s key in the bucket, without s3:// or the bucket') && isLiteral(prefix) && prefix !== '') {
        // A schema rule when the key is a value (checked at install); a literal is checked here.
        rules.check(`${at}.manifestKey`, pinned.manifestKey, { pattern: keyUnder(prefix) }, 'keep the manifest beside the versions: the hydration\'s policy covers only the prefix');
      }
    }
    if (rules.required(`${at}.manifestVersionId`, pinned.manifestVersionId, 'the version ID of the manifest', 'the VersionId aws s3api put-object printed when the manifest was uploaded')) {
      rules.check(`${at}.manifestVersionId`, pinned.manifestVersionId, { pattern: OBJECT_VERSION_ID, maxLength: 1024 }, 'copy the VersionId aws s3api put-object (or list-object-versions) printed for the manifest');
    }
    const manifest = `s3://${this.location.bucket}/${pinned.manifestKey}?versionId=${pinned.manifestVersionId}`;
    return {
      id: `${uri}${version}/ as ${manifest}`,
      image: AWS_CLI_IMAGE,
      script: HYDRATE_S3_PINNED_SCRIPT,
      env: { SOURCE_BUCKET: this.location.bucket, SOURCE_PREFIX: prefix, PIN_MANIFEST_KEY: pinned.manifestKey, PIN_MANIFEST_VERSION: pinned.manifestVersionId },
      s3,
      readsObjectVersions: true,
      pin: `object versions listed in ${manifest}`,
    };
  }
}

class HuggingFaceSource implements IModelSource {
  public readonly kind = 'huggingFace';
  public constructor(private readonly props: HuggingFaceSourceProps) {}

  public bind({ rules, field }: ModelSourceContext): ModelSourceBinding {
    const p = this.props;
    if (rules.required(`${field}.repository`, p.repository, 'the model repository on the Hub', 'e.g. "meta-llama/Llama-3.1-8B-Instruct"')) {
      rules.check(`${field}.repository`, p.repository, { pattern: HF_REPOSITORY }, 'copy "owner/name" from the model\'s page on huggingface.co');
    }
    if (rules.required(`${field}.revision`, p.revision, 'the commit to download (40 hex digits)', 'pin the commit: a branch or tag can move, and the cache would hold another model under the same version')) {
      rules.check(`${field}.revision`, p.revision, { pattern: COMMIT_HASH }, 'pin the commit (40 hex digits, from the model\'s "Files and versions" history): a branch or tag such as "main" can move, and the cache would hold another model under the same version');
    }
    checkImage(rules, `${field}.image`, p.image, 'an image with huggingface_hub\'s command line (hf), e.g. your vLLM server\'s image');
    const secretEnv = p.token ? { HF_TOKEN: checkSecret(rules, `${field}.token`, p.token) } : undefined;
    return {
      id: `hf://${p.repository}@${p.revision}`,
      image: p.image,
      script: hydrationScript(HF_FETCH, true),
      tools: true,
      env: { HF_REPO: p.repository, HF_REVISION: p.revision },
      secretEnv,
      // The servers read the hydrated files: no request to the Hub
      // (huggingface/huggingface_hub@v1.28.0:docs/source/en/package_reference/environment_variables.md, HF_HUB_OFFLINE).
      serverEnv: { HF_HUB_OFFLINE: '1' },
      // The revision is a commit (checked above): the Hub serves the same files for it.
      pin: `commit ${p.revision}`,
    };
  }
}

class NgcSource implements IModelSource {
  public readonly kind = 'ngc';
  public constructor(private readonly props: NgcSourceProps) {}

  public bind({ rules, field }: ModelSourceContext): ModelSourceBinding {
    const p = this.props;
    if (rules.required(`${field}.model`, p.model, 'the model version on NGC', 'e.g. "nvidia/nemo/llama-3_1-8b-instruct:1.0"')) {
      rules.check(`${field}.model`, p.model, { pattern: NGC_MODEL }, 'copy the model\'s "org/team/name:version" from the NGC catalog');
    }
    checkImage(rules, `${field}.image`, p.image, 'an image with the NGC CLI (ngc)');
    const secretEnv = p.apiKey ? { NGC_CLI_API_KEY: checkSecret(rules, `${field}.apiKey`, p.apiKey) } : undefined;
    return { id: `ngc://${p.model}`, image: p.image, script: hydrationScript(NGC_FETCH, true), tools: true, env: { NGC_MODEL: p.model }, secretEnv, unpinned: UNPINNED.ngc };
  }
}

class ImageSource implements IModelSource {
  public readonly kind = 'image';
  public constructor(private readonly props: ImageSourceProps) {}

  public bind({ rules, field }: ModelSourceContext): ModelSourceBinding {
    const p = this.props;
    checkImage(rules, `${field}.image`, p.image, 'the image that carries the model');
    if (rules.required(`${field}.path`, p.path, 'the directory of the image holding the model', 'e.g. "/models"')) {
      rules.check(`${field}.path`, p.path, { pattern: IMAGE_DIRECTORY }, 'give the directory the image keeps the model in, e.g. "/models" (not "/": the whole image would be copied)');
    }
    const path = typeof p.path === 'string' ? p.path.replace(/(.)\/$/, '$1') : p.path;
    const digest = typeof p.image === 'string' ? /@(sha256:[0-9a-f]{64})$/.exec(p.image)?.[1] : undefined;
    return {
      id: `image://${p.image}${path}`,
      image: p.image,
      script: hydrationScript(IMAGE_FETCH, true),
      tools: true,
      env: { IMAGE_MODEL_DIR: path },
      ...(digest ? { pin: `digest ${digest}` } : { unpinned: UNPINNED.imageTag }),
    };
  }
}

class CommandSource implements IModelSource {
  public readonly kind = 'command';
  public constructor(private readonly props: CommandSourceProps) {}

  public bind({ rules, field }: ModelSourceContext): ModelSourceBinding {
    const p = this.props;
    checkImage(rules, `${field}.image`, p.image, 'the image the command runs in');
    if (!p.command || p.command.length === 0) rules.fail(`${field}.command`, p.command, 'a command and its arguments', 'e.g. ["python3", "/app/fetch.py"]: it fills MODEL_TARGET');
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(p.env ?? {})) {
      if (checkEnvName(rules, `${field}.env`, name)) env[name] = value;
    }
    const secretEnv: Record<string, SecretKeyRef> = {};
    for (const [name, ref] of Object.entries(p.secretEnv ?? {})) {
      if (checkEnvName(rules, `${field}.secretEnv`, name)) secretEnv[name] = checkSecret(rules, `${field}.secretEnv.${name}`, ref);
    }
    const command = p.command ?? [];
    return {
      id: p.id ?? `command:${p.image} ${command.join(' ')}`,
      image: p.image,
      script: hydrationScript(COMMAND_FETCH, true),
      tools: true,
      args: command,
      env,
      secretEnv,
      serverEnv: p.serverEnv,
      unpinned: UNPINNED.command,
    };
  }
}

function checkImage(rules: Rules, field: string, image: string | undefined, what: string): void {
  if (rules.required(field, image, what)) rules.check(field, image, { pattern: IMAGE_REFERENCE }, 'e.g. "registry.example.com/team/image:1.0"');
}

function checkSecret(rules: Rules, field: string, ref: SecretKeyRef): SecretKeyRef {
  if (rules.required(`${field}.name`, ref?.name, 'the name of a Secret in the release\'s namespace', 'create the Secret outside the chart, e.g. kubectl create secret generic hf-token --from-literal=token=…')) {
    rules.check(`${field}.name`, ref.name, { pattern: SECRET_NAME, maxLength: 253 }, 'give the Secret\'s metadata.name', 'a Secret name (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit; at most 253)');
  }
  if (rules.required(`${field}.key`, ref?.key, 'the key in the Secret', 'e.g. "token"')) {
    rules.check(`${field}.key`, ref.key, { pattern: SECRET_KEY }, 'give a key of the Secret\'s data');
  }
  return ref;
}

function checkEnvName(rules: Rules, field: string, name: string): boolean {
  return rules.check(field, name, { pattern: ENV_NAME }, 'name the variable with letters, digits and "_"');
}
