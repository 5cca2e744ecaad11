/**
 * The environment report's section on FSx for Lustre data repository associations (DRAs): for each
 * association a workload's claim links (an existing file system's, described with
 * `FsxLustre.fromFileSystem({ associations })`), what it links and imports and exports, and who
 * makes it; for each FSx class of the environment's tier releases, that its file systems get none.
 *
 * Nothing in the cluster makes an association: the FSx CSI driver creates, resizes and deletes file
 * systems and calls no DataRepositoryAssociation operation
 * (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L343), and ACK's FSx
 * controller makes file systems only, leaving DataRepositoryAssociation out
 * (aws-controllers-k8s/fsx-controller@0aaa536b9277feade37103be6cfab07d14fc6ff9:apis/v1alpha1/generator.yaml,
 * `ignore.resource_names`). So the report names the person or tool a chart says made each one.
 */
import { EnvironmentPlan } from './plan';

/** One association as a claim's facts state it. */
export interface ReportedAssociation {
  readonly workload: string;
  readonly claim: string;
  readonly fileSystemId?: string;
  readonly associationId: string;
  readonly dataRepositoryPath: string;
  readonly fileSystemPath: string;
  /** "NEW, CHANGED", "nothing" or "not stated". */
  readonly autoImport: string;
  readonly autoExport: string;
  readonly importedExisting: boolean;
  /** Who made it, when the chart says. */
  readonly createdBy?: string;
}

/**
 * The sentence `associationFacts` (@strata/storage, fsx-lustre-association.ts) writes of one
 * association; the facts of a claim join them with " | ".
 */
const SENTENCE =
  /^(\S+) links (\S+) to (\S+); imports automatically: (.*?)( \(and imported the existing objects when made\))?; exports automatically: (.*?); made outside Kubernetes (?:by (.*)|\(by whom is not stated\)): the FSx CSI driver creates no association$/;

/** The associations of the plan's workloads' FSx claims, in workload and claim order. */
export function reportedAssociations(plan: Pick<EnvironmentPlan, 'workloads'>): ReportedAssociation[] {
  const out: ReportedAssociation[] = [];
  for (const w of plan.workloads) {
    for (const c of w.claims ?? []) {
      const text = c.facts.associations;
      if (c.tier !== 'fsx-lustre' || typeof text !== 'string' || text === '') continue;
      for (const sentence of text.split(' | ')) {
        const m = SENTENCE.exec(sentence);
        if (!m) continue;
        out.push({
          workload: w.name,
          claim: c.name,
          ...(typeof c.facts.fileSystemId === 'string' && c.facts.fileSystemId !== '' ? { fileSystemId: c.facts.fileSystemId } : {}),
          associationId: m[1],
          dataRepositoryPath: m[2],
          fileSystemPath: m[3],
          autoImport: m[4],
          importedExisting: m[5] !== undefined,
          autoExport: m[6],
          ...(m[7] !== undefined ? { createdBy: m[7] } : {}),
        });
      }
    }
  }
  return out;
}

/** The events as the CLI takes them: `Events=[NEW,CHANGED]` (none for "nothing"). */
function events(said: string): string | undefined {
  if (said === 'not stated') return undefined;
  return `Events=[${said === 'nothing' ? '' : said.split(', ').join(',')}]`;
}

/** The AWS CLI command that makes the association as described (CreateDataRepositoryAssociation). */
export function createCommand(a: ReportedAssociation): string {
  const policies = [events(a.autoImport) ? `AutoImportPolicy={${events(a.autoImport)}}` : undefined, events(a.autoExport) ? `AutoExportPolicy={${events(a.autoExport)}}` : undefined].filter(Boolean);
  return [
    'aws fsx create-data-repository-association',
    `--file-system-id ${a.fileSystemId ?? '<file system id>'}`,
    `--file-system-path ${a.fileSystemPath}`,
    `--data-repository-path ${a.dataRepositoryPath}`,
    ...(a.importedExisting ? ['--batch-import-meta-data-on-create'] : []),
    ...(policies.length > 0 ? [`--s3 '${policies.join(',')}'`] : []),
  ].join(' ');
}

/** A directory with one trailing "/". */
function directory(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * Associations of one file system, described by different claims, whose directories overlap (one
 * inside the other, or "/" beside another): FSx refuses the second (a file system's associations may
 * not overlap, and "/" is possible only for its one association:
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html). One claim's
 * own associations are checked when its chart is made; these only meet here.
 */
export function overlaps(found: readonly ReportedAssociation[]): string[] {
  const out: string[] = [];
  found.forEach((a, i) => {
    for (const b of found.slice(0, i)) {
      if (a.fileSystemId === undefined || a.fileSystemId !== b.fileSystemId || a.associationId === b.associationId) continue;
      const [x, y] = [directory(a.fileSystemPath), directory(b.fileSystemPath)];
      if (x.startsWith(y) || y.startsWith(x)) {
        out.push(`${a.fileSystemId}: ${a.associationId} (${a.workload} ${a.claim}, ${a.fileSystemPath}) and ${b.associationId} (${b.workload} ${b.claim}, ${b.fileSystemPath}) overlap; FSx allows neither overlapping directories nor "/" beside another association: one of them cannot exist as described — check the ids and directories with aws fsx describe-data-repository-associations`);
      }
    }
  });
  return out;
}

/** The FSx classes of the environment's tier releases (file systems the driver makes, with no association). */
function tierClasses(plan: Pick<EnvironmentPlan, 'tiers'>): { readonly release: string; readonly storageClassName: string; readonly deploymentType: string; readonly s3ImportPath?: string }[] {
  return plan.tiers
    .filter((t) => t.tier.tier === 'fsx-lustre' && t.storageClassName !== undefined)
    .map((t) => {
      const imported = t.merged.s3ImportPath;
      return {
        release: t.release,
        storageClassName: t.storageClassName!,
        deploymentType: typeof t.merged.deploymentType === 'string' ? t.merged.deploymentType : 'not stated',
        ...(typeof imported === 'string' && imported !== '' ? { s3ImportPath: imported } : {}),
      };
    });
}

/** The report section (Markdown lines), or nothing when the environment has no FSx for Lustre storage. */
export function associationsReport(plan: Pick<EnvironmentPlan, 'workloads' | 'tiers'>): string[] {
  const found = reportedAssociations(plan);
  const classes = tierClasses(plan);
  if (found.length === 0 && classes.length === 0) return [];
  const out: string[] = ['### FSx for Lustre data repository associations', ''];
  out.push(
    'A data repository association links one directory of a file system to one S3 prefix, with what it imports and exports by itself. ' +
      'Nothing in this cluster makes one: the FSx CSI driver creates file systems and no association (kubernetes-sigs/aws-fsx-csi-driver@v1.9.0:pkg/cloud/cloud.go#L158-L343), ' +
      "and ACK's FSx controller makes file systems only (aws-controllers-k8s/fsx-controller@0aaa536b9277feade37103be6cfab07d14fc6ff9:apis/v1alpha1/generator.yaml leaves `DataRepositoryAssociation` out). " +
      'Each association below is made in AWS by whoever the chart names (the AWS console, the CLI command given, or infrastructure code), before the workload runs; deleting it is theirs too.',
    '',
  );
  if (found.length > 0) {
    out.push('| workload | claim | file system | association | file system directory | S3 | imports by itself | exports by itself | made by |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const a of found) {
      const imports = `${a.autoImport}${a.importedExisting ? ' (existing objects imported when made)' : ''}`;
      out.push(`| ${a.workload} | ${a.claim} | ${a.fileSystemId ? `\`${a.fileSystemId}\`` : 'not stated'} | \`${a.associationId}\` | \`${a.fileSystemPath}\` | \`${a.dataRepositoryPath}\` | ${imports} | ${a.autoExport} | ${a.createdBy ?? 'not stated: a person, outside Kubernetes (see the command below)'} |`);
    }
    out.push('', '```mermaid', 'flowchart LR');
    found.forEach((a, i) => {
      out.push(`  s${i}[("${a.dataRepositoryPath}")]`, `  f${i}["${a.fileSystemId ?? 'file system'}:${a.fileSystemPath}"]`);
      const said = (e: string) => e !== 'nothing' && e !== 'not stated';
      if (said(a.autoImport)) out.push(`  s${i} -- "import: ${a.autoImport}" --> f${i}`);
      if (said(a.autoExport)) out.push(`  f${i} -- "export: ${a.autoExport}" --> s${i}`);
      if (!said(a.autoImport) && !said(a.autoExport)) {
        out.push(`  s${i} -. "${a.autoImport === 'not stated' || a.autoExport === 'not stated' ? 'linked; policies not stated' : 'linked; import and export by task only'}" .- f${i}`);
      }
    });
    out.push('```', '');
    for (const line of overlaps(found)) out.push(`**${line}**`, '');
    const unowned = found.filter((a) => a.createdBy === undefined);
    if (unowned.length > 0) {
      out.push('To make an association the charts describe without saying who makes it (CreateDataRepositoryAssociation; `not stated` policies are left to FSx defaults):', '', '```sh');
      for (const a of unowned) out.push(createCommand(a));
      out.push('```', '');
    }
  }
  if (classes.length > 0) {
    out.push('| FSx class (tier release) | deployment type | associations of its file systems |', '| --- | --- | --- |');
    for (const c of classes) {
      const what = c.s3ImportPath
        ? `none: the class links ${c.s3ImportPath} when the driver creates each file system (s3ImportPath, no association)`
        : c.deploymentType === 'PERSISTENT_2'
          ? 'none: each file system the driver creates has no S3 link until someone makes an association for it (aws fsx create-data-repository-association --file-system-id <its id> …)'
          : 'none (no S3 link)';
      out.push(`| \`${c.storageClassName}\` (${c.release}) | ${c.deploymentType} | ${what} |`);
    }
    out.push('');
  }
  return out;
}
