/**
 * Issue 9, item 6: least-privilege IAM. Every IAM policy document strata emits — each chart's
 * `iam-policies/<key>.json` resolved with every environment's values (chart metadata, never
 * rendered into the cluster: issue 17) — has no
 * wildcard action and no resource wider than the bucket/prefix it serves: the S3 locations the
 * chart takes in its values (defaults merged with the environment's). Also fuzzed over
 * s3Statements, the one function that writes S3 statements.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { policyDocument, s3Statements } from '@strata/patterns';
import { readTree } from '@strata/helm';
import { renderCommitted, RenderedRelease, REPO } from './rendered';
import { merge, releasePolicies } from './chart-policies';

interface Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Every { bucket, prefix? } object in a values tree: the S3 locations a chart serves. */
function locationsIn(values: unknown, out: Location[] = []): Location[] {
  if (values && typeof values === 'object') {
    const v = values as Record<string, unknown>;
    if (typeof v.bucket === 'string' && v.bucket !== '') out.push({ bucket: v.bucket, prefix: typeof v.prefix === 'string' ? v.prefix : '' });
    for (const child of Object.values(v)) locationsIn(child, out);
  }
  return out;
}

const WILDCARD = /[*?]/;

/** A key pattern inside a served prefix: the prefix (or a longer key under it), wildcard only as the last character. */
function within(pattern: string, prefix: string): boolean {
  const literal = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  return !WILDCARD.test(literal) && literal.startsWith(prefix);
}

/**
 * The problems of one policy document against the locations it may serve: no wildcard action, no
 * NotAction/NotResource/Deny tricks, S3 object resources exactly bucket/prefix*, bucket resources
 * only for s3:ListBucket and only with an s3:prefix condition inside a served prefix, KMS on one
 * key ARN.
 */
export function leastPrivilegeProblems(doc: any, served: readonly Location[]): string[] {
  const problems: string[] = [];
  if (doc?.Version !== '2012-10-17') problems.push(`Version must be 2012-10-17, not ${JSON.stringify(doc?.Version)}`);
  const statements: any[] = Array.isArray(doc?.Statement) ? doc.Statement : [doc?.Statement];
  if (statements.length === 0) problems.push('has no statement');
  for (const s of statements) {
    const at = `statement ${s?.Sid ?? '?'}`;
    for (const field of ['NotAction', 'NotResource', 'NotPrincipal', 'Principal']) if (s?.[field] !== undefined) problems.push(`${at}: ${field} must not be used`);
    if (s?.Effect !== 'Allow') problems.push(`${at}: Effect must be Allow`);
    const actions: string[] = [s?.Action].flat();
    const resources: string[] = [s?.Resource].flat();
    for (const a of actions) if (typeof a !== 'string' || WILDCARD.test(a)) problems.push(`${at}: action ${JSON.stringify(a)} is a wildcard`);
    for (const r of resources) {
      if (typeof r !== 'string' || r === '*') {
        problems.push(`${at}: resource ${JSON.stringify(r)} is every resource`);
        continue;
      }
      const s3 = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/.exec(r);
      const kms = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/.exec(r);
      if (s3) {
        const [, bucket, key] = s3;
        if (WILDCARD.test(bucket)) problems.push(`${at}: resource ${r} names buckets by wildcard`);
        const mine = served.filter((l) => l.bucket === bucket);
        if (mine.length === 0) problems.push(`${at}: resource ${r} is not a bucket this chart serves (${served.map((l) => l.bucket).join(', ') || 'none'})`);
        if (key === undefined) {
          // The bucket itself: listing only, and only inside a served prefix.
          if (actions.some((a) => a !== 's3:ListBucket')) problems.push(`${at}: bucket resource ${r} with actions other than s3:ListBucket`);
          const prefixes: string[] = [s.Condition?.StringLike?.['s3:prefix'] ?? s.Condition?.StringEquals?.['s3:prefix'] ?? []].flat();
          if (prefixes.length === 0 && mine.some((l) => l.prefix !== '')) problems.push(`${at}: s3:ListBucket on ${r} without an s3:prefix condition lists the whole bucket`);
          for (const p of prefixes) if (!mine.some((l) => within(p, l.prefix))) problems.push(`${at}: s3:prefix ${JSON.stringify(p)} is not within a served prefix of ${bucket} (${mine.map((l) => `${l.prefix}*`).join(', ')})`);
        } else if (!mine.some((l) => within(key, l.prefix))) {
          problems.push(`${at}: object resource ${r} is wider than (or other than) the served prefixes of ${bucket}: ${mine.map((l) => `${l.prefix}*`).join(', ')}`);
        }
      } else if (!kms) {
        problems.push(`${at}: resource ${r} is neither an S3 bucket/prefix nor one KMS key`);
      }
    }
  }
  return problems;
}

describe('least-privilege IAM', () => {
  let rendered: RenderedRelease[];
  beforeAll(() => {
    rendered = renderCommitted();
  });

  test('no chart renders an iam-policies ConfigMap (nor any ConfigMap holding a policy): the documents stay chart metadata', () => {
    const rendered_ = rendered.flatMap(({ release, objects }) => objects.filter((o) => o.kind === 'ConfigMap' && (o.metadata.name.endsWith('iam-policies') || JSON.stringify(o).includes('2012-10-17'))).map((o) => `${release.environment}/${release.chart}: ${o.metadata.name}`));
    expect(rendered_).toEqual([]);
    const templates = [...readTree(join(REPO, 'charts')).keys()].filter((p) => /\/templates\/.*iam-polic/.test(p));
    expect(templates).toEqual([]);
    expect(rendered.length).toBeGreaterThan(10);
  });

  test('every chart\'s policies read back, with each environment\'s values, equal what its iam-policies ConfigMap rendered before (the committed charts of main before issue 17)', () => {
    // fixtures/iam-policies-rendered.json: every <key>.json of every iam-policies ConfigMap that
    // `helm template` rendered from the committed charts with each environment's values, taken
    // just before the ConfigMaps were removed.
    const before = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'iam-policies-rendered.json'), 'utf8'));
    const now: Record<string, unknown> = {};
    for (const r of rendered) {
      const docs = releasePolicies(r);
      if (Object.keys(docs).length > 0) now[`${r.release.environment}/${r.release.layer}/${r.release.chart}/${r.release.releaseName}`] = docs;
    }
    expect(now).toEqual(before);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(14);
  });

  test('each environment whose roles are made outside strata lists in its README exactly the documents its releases need, resolved', () => {
    let listed = 0;
    for (const env of [...new Set(rendered.map((r) => r.release.environment))]) {
      const readme = readFileSync(join(REPO, 'environments', env, 'README.md'), 'utf8');
      if (!readme.includes('Nothing here is applied')) continue;
      const blocks = [...readme.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
      const needed = rendered.filter((r) => r.release.environment === env && r.release.layer === 'app').flatMap((r) => Object.values(releasePolicies(r)));
      const key = (d: unknown) => JSON.stringify(d);
      expect([env, blocks.map(key).sort()]).toEqual([env, needed.map(key).sort()]);
      listed += blocks.length;
    }
    expect(listed).toBeGreaterThanOrEqual(10);
  });

  test('no other JSON policy document in charts/ or environments/ than the charts\' iam-policies/<key>.json, the ACK identity objects (cloud.test.ts checks those equal the charts\') and the environment reports that list them', () => {
    const files: [string, string][] = [];
    for (const top of ['charts', 'environments']) for (const [p, c] of readTree(join(REPO, top))) files.push([`${top}/${p}`, c]);
    const withPolicy = files.filter(([, c]) => c.includes('2012-10-17')).map(([p]) => p);
    expect(withPolicy.filter((p) => !/^charts\/[^/]+\/iam-policies\/[A-Za-z0-9_-]+\.json$/.test(p) && !/^environments\/[^/]+\/infrastructure\/identity\/roles\.yaml$/.test(p) && !/^environments\/[^/]+\/README\.md$/.test(p))).toEqual([]);
    expect(withPolicy.length).toBeGreaterThan(0);
  });

  test('every policy document of every chart, resolved with every environment\'s values', () => {
    const problems: string[] = [];
    let policies = 0;
    let statements = 0;
    for (const r of rendered) {
      const { release } = r;
      const defaults = parse(readFileSync(join(REPO, 'charts', release.chart, 'values.yaml'), 'utf8')) ?? {};
      const served = locationsIn(merge(defaults, release.values));
      for (const [key, doc] of Object.entries(releasePolicies(r))) {
        policies++;
        statements += [doc.Statement].flat().length;
        for (const p of leastPrivilegeProblems(doc, served)) problems.push(`${release.environment}/${release.chart} iam-policies/${key}.json: ${p}`);
      }
    }
    console.log(`least-privilege IAM: ${policies} policy documents checked (${statements} statements, ${rendered.length} releases), ${problems.length} problems`);
    expect(problems).toEqual([]);
    expect(policies).toBeGreaterThanOrEqual(6);
  });

  test('the checker refuses what it must (wildcards, a whole bucket, another bucket, a wider prefix)', () => {
    const served = [{ bucket: 'ml-data', prefix: 'train/' }];
    const ok = policyDocument(s3Statements('data', { bucket: 'ml-data', prefix: 'train/' }, { read: true, write: true }));
    expect(leastPrivilegeProblems(ok, served)).toEqual([]);
    const bad = (statement: any) => leastPrivilegeProblems({ Version: '2012-10-17', Statement: [{ Sid: 'X', Effect: 'Allow', ...statement }] }, served);
    expect(bad({ Action: ['s3:*'], Resource: ['arn:aws:s3:::ml-data/train/*'] })).toEqual(['statement X: action "s3:*" is a wildcard']);
    expect(bad({ Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ml-data/*'] })).toEqual(['statement X: object resource arn:aws:s3:::ml-data/* is wider than (or other than) the served prefixes of ml-data: train/*']);
    expect(bad({ Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::ml-data/train/*/x*'] })).toEqual(['statement X: object resource arn:aws:s3:::ml-data/train/*/x* is wider than (or other than) the served prefixes of ml-data: train/*']);
    expect(bad({ Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::ml-data/train/run-1/*'] })).toEqual([]);
    expect(bad({ Action: ['s3:GetObject'], Resource: ['*'] })).toEqual(['statement X: resource "*" is every resource']);
    expect(bad({ Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::ml-data'] })).toEqual(['statement X: s3:ListBucket on arn:aws:s3:::ml-data without an s3:prefix condition lists the whole bucket']);
    expect(bad({ Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::other/train/*'] })[0]).toMatch(/is not a bucket this chart serves/);
  });

  test('s3Statements, fuzzed: any bucket, prefix and access is least privilege (seeded, 500 runs)', () => {
    const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,30}[a-z0-9]$/);
    const prefix = fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}(\/[A-Za-z0-9_.-]{1,12}){0,3}\/$/));
    fc.assert(
      fc.property(bucket, prefix, fc.boolean(), fc.boolean(), fc.boolean(), fc.option(fc.constant('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')), (b, p, read, write, del, kms) => {
        const statements = s3Statements('loc', { bucket: b, prefix: p }, { read, write, delete: del, kmsKeyArn: kms ?? undefined });
        if (statements.length === 0) return true;
        expect(leastPrivilegeProblems(policyDocument(statements), [{ bucket: b, prefix: p }])).toEqual([]);
        return true;
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});
