import fc from 'fast-check';
import { CandidateId, fsxCapacity, LIMITS, profileProblems, rank, recommend, resolveProfile, WorkloadProfile } from '../src';

/** The first candidate's id, and the whole order. */
const first = (p: WorkloadProfile) => recommend(p).ranked[0].candidate.id;
const order = (p: WorkloadProfile) => rank(resolveProfile(p)).ranked.map((r) => r.candidate.id);

/** Random profiles for the properties. */
const profiles = fc.record({
  dataGiB: fc.integer({ min: 1, max: 200000 }),
  access: fc.constantFrom('read-mostly', 'write-once', 'read-write'),
  readers: fc.integer({ min: 1, max: 256 }),
  readMBpsPerReader: fc.integer({ min: 1, max: 2000 }),
  writers: fc.integer({ min: 0, max: 64 }),
  writeMBpsPerWriter: fc.integer({ min: 0, max: 500 }),
  perNode: fc.integer({ min: 1, max: 8 }),
  sharing: fc.constantFrom('one-node', 'nodes-one-zone', 'zones'),
  latency: fc.constantFrom('sub-millisecond', 'milliseconds', 'tolerant'),
  lifetime: fc.constantFrom('job', 'durable'),
  livesInS3: fc.boolean(),
  s3Prefixes: fc.integer({ min: 1, max: 8 }),
}) as fc.Arbitrary<WorkloadProfile>;

/**
 * The cases the storage guide describes, each as a profile, and the tier it says to use.
 */
describe("the seed's cases", () => {
  test('training a large model on a large dataset, many nodes sharing it: FSx for Lustre linked to S3 (Distributed Dataset)', () => {
    const r = recommend({ dataGiB: 40000, readers: 64, readMBpsPerReader: 200, perNode: 8, lifetime: 'job' });
    expect(r.ranked[0].candidate).toMatchObject({ id: 'fsx-scratch', pattern: 'distributed-dataset' });
    expect(r.ranked[0].reasons).toContain('keeps up: reads 13,125 MB/s for 12,800 asked, writes 6,562.5 MB/s for 0 asked');
    // EFS cannot feed eight GPUs per node from one client, nor 64 from one file system.
    expect(r.ranked.find((x) => x.candidate.id === 'efs')!.shortfalls.map((s) => s.limit)).toEqual(['read', 'per-node']);
    expect(r.changes).toEqual([
      'at 103 readers or more: FSx for Lustre persistent, linked to S3 ranks first ($16,758.96 a month)',
      // 8 GPUs × 200 MB/s per node is within S3 Files' 3 GiB/s per client; Mountpoint's 10 Gbps per node is not.
      'with pods in several zones: S3 Files (the bucket as a file system) ranks first',
    ]);
  });

  test('a shared model repository read from several zones, written by a hydration job: EFS (Model Repository)', () => {
    const r = recommend({ dataGiB: 30, access: 'write-once', readers: 6, readMBpsPerReader: 100, sharing: 'zones', hoursPerMonth: 10 });
    expect(r.ranked[0].candidate).toMatchObject({ id: 'efs', tier: 'efs' });
    expect(r.ranked.find((x) => x.candidate.id === 'fsx-scratch')!.candidate.ruledOut).toEqual(['an FSx for Lustre file system lives in one subnet, in one Availability Zone: pods of other zones would cross zones for every read', 'a scratch file system keeps no second copy: what pods write is lost when a file server fails before it reaches S3, and the data must outlive the job']);
  });

  test('frequent checkpoints on each node, synced to S3: instance store (Training Checkpoint)', () => {
    const r = recommend({ dataGiB: 200, access: 'write-once', writers: 8, checkpoint: { sizeGiB: 200, intervalMinutes: 30, writeWithinSeconds: 120 }, sharing: 'one-node', perNode: 8, lifetime: 'job' });
    expect(r.ranked[0].candidate).toMatchObject({ id: 'nvme-s3-sync', pattern: 'training-checkpoint' });
  });

  test('long-term storage read now and then: S3', () => {
    expect(first({ dataGiB: 100000, readers: 1, readMBpsPerReader: 10, latency: 'tolerant' })).toBe('s3-mountpoint');
  });

  test('a model read again and again by inference nodes: S3 with the NVMe cache, cheaper than a file system', () => {
    expect(first({ dataGiB: 30, readers: 6, readMBpsPerReader: 100 })).toBe('s3-nvme-cache');
  });

  test('files edited in place: neither Mountpoint nor its cache', () => {
    const r = recommend({ dataGiB: 500, access: 'read-write', readers: 4, readMBpsPerReader: 50, sharing: 'zones' });
    expect(r.ranked[0].candidate.id).toBe('efs');
    for (const id of ['s3-mountpoint', 's3-nvme-cache'] as CandidateId[]) {
      expect(r.ranked.find((x) => x.candidate.id === id)!.candidate.ruledOut[0]).toBe('on a general purpose bucket Mountpoint writes whole files sequentially and cannot edit them in place, append to or rename them (awslabs/mountpoint-s3@mountpoint-s3-1.23.0:doc/SEMANTICS.md)');
    }
  });
});

describe('boundaries between tiers', () => {
  test('FSx scratch capacity: 1200 GiB, then 2400 GiB steps, sized for data or throughput', () => {
    expect([1, 1200, 1201, 2400, 2401, 67000].map(fsxCapacity)).toEqual([1200, 1200, 2400, 2400, 4800, 67200]);
  });

  test('EFS per client: 1,500 MiBps (1,572.9 MB/s); one MB/s more per node and only S3 Files (3 GiB/s per client) keeps up for shared, edited data across zones', () => {
    const at = (mbps: number) => rank(resolveProfile({ dataGiB: 500, access: 'read-write', readers: 1, readMBpsPerReader: mbps, sharing: 'zones', hoursPerMonth: 1 })).ranked[0];
    expect([at(1572).candidate.id, at(1572).meets]).toEqual(['efs', true]);
    expect([at(1574).candidate.id, at(1574).meets, at(1574).cost.usd]).toEqual(['s3-files', true, undefined]);
    const efs = rank(resolveProfile({ dataGiB: 500, access: 'read-write', readers: 1, readMBpsPerReader: 1574, sharing: 'zones', hoursPerMonth: 1 })).ranked.find((r) => r.candidate.id === 'efs')!;
    expect([efs.meets, efs.shortfalls.map((s) => s.limit)]).toEqual([false, ['per-node']]);
  });

  test('S3 GET rate per prefix: 5,500 requests a second; 1 MiB objects at 5,767 MB/s is the edge', () => {
    const s3 = (readers: number, s3Prefixes = 1) => rank(resolveProfile({ dataGiB: 1000, fileCount: 1024000, readers, readMBpsPerReader: 100, latency: 'tolerant', s3Prefixes })).ranked.find((r) => r.candidate.id === 's3-mountpoint')!;
    expect(s3(57).shortfalls).toEqual([]);
    expect(s3(58).shortfalls.map((s) => s.limit)).toEqual(['read', 'get-rate']);
    expect(s3(58, 2).shortfalls).toEqual([]);
  });

  test('one node or many: instance store only for data no other node needs', () => {
    expect(first({ dataGiB: 500, access: 'read-write', readers: 1, readMBpsPerReader: 500, sharing: 'one-node', lifetime: 'job' })).toBe('nvme-s3-sync');
    expect(first({ dataGiB: 500, access: 'read-write', readers: 2, readMBpsPerReader: 500, sharing: 'nodes-one-zone', lifetime: 'job' })).not.toBe('nvme-s3-sync');
  });

  test('a budget below the cheapest that keeps up ranks it after the ones that keep up within budget, never before', () => {
    const p: WorkloadProfile = { dataGiB: 40000, readers: 64, readMBpsPerReader: 200, perNode: 8, lifetime: 'job', budgetUsdPerMonth: 5000 };
    const r = rank(resolveProfile(p)).ranked;
    expect(r.slice(0, 2).map((x) => [x.candidate.id, x.meets, x.withinBudget])).toEqual([['fsx-scratch', true, false], ['fsx-persistent', true, false]]);
  });
});

describe('S3 Files: the bucket as a file system, ranked without a price', () => {
  const at = (p: WorkloadProfile) => rank(resolveProfile(p)).ranked;
  const find = (p: WorkloadProfile, id: CandidateId) => at(p).find((r) => r.candidate.id === id)!;

  test('vs Mountpoint: read-only data that tolerates S3 latency stays on Mountpoint (priced); edits in place or renames, or small files read at file-system latency, go to S3 Files', () => {
    const base: WorkloadProfile = { dataGiB: 5000, readers: 4, readMBpsPerReader: 100, sharing: 'zones', livesInS3: true };
    expect(at({ ...base, latency: 'tolerant' }).map((r) => r.candidate.id).slice(0, 3)).toEqual(['s3-nvme-cache', 's3-mountpoint', 's3-files']);
    expect(at({ ...base, access: 'read-write', latency: 'tolerant' })[0].candidate.id).toBe('s3-files');
    expect(find({ ...base, access: 'read-write' }, 's3-mountpoint').candidate.ruledOut[0]).toMatch(/^on a general purpose bucket Mountpoint writes whole files sequentially and cannot edit them in place, append to or rename them/);
    expect(at(base)[0].candidate.id).toBe('s3-files');
    expect(find(base, 's3-mountpoint').shortfalls.map((s) => s.text)).toEqual(['latency: milliseconds asked, tolerant given']);
  });

  test('vs EFS: edited data shared across zones stays on EFS (priced) until it must live in S3; then EFS is ruled out and S3 Files ranks first', () => {
    const base: WorkloadProfile = { dataGiB: 500, access: 'read-write', readers: 4, readMBpsPerReader: 50, sharing: 'zones' };
    expect(at(base)[0].candidate.id).toBe('efs');
    expect(find(base, 's3-files').rank).toBe(2);
    const inS3 = at({ ...base, livesInS3: true });
    expect(inS3[0].candidate.id).toBe('s3-files');
    expect(find({ ...base, livesInS3: true }, 'efs').candidate.ruledOut).toEqual(['the data lives in S3 (livesInS3): EFS holds its own copy, so what pods write never reaches the bucket and what is written to the bucket reaches the pods only when the copy is synced again']);
    expect(recommend(base).changes).toContain('with the data living in S3, read and written there by other tools: S3 Files (the bucket as a file system) ranks first');
  });

  test('its limits: 3 GiB/s read per client, 1 GiB/s written per file system (the low end of 1–5), 250,000 read IOPS; one MB/s over each falls short', () => {
    const mb = (gib: number) => gib * 1024 * 1.048576;
    const s = (p: Omit<WorkloadProfile, 'dataGiB'>) => find({ dataGiB: 100, sharing: 'zones', livesInS3: true, ...p }, 's3-files').shortfalls.map((x) => x.limit);
    expect(s({ readers: 1, readMBpsPerReader: Math.floor(mb(3)) })).toEqual([]);
    expect(s({ readers: 1, readMBpsPerReader: Math.floor(mb(3)) + 1 })).toEqual(['read', 'per-node']);
    expect(s({ access: 'write-once', writers: 1, writeMBpsPerWriter: Math.floor(mb(1)) })).toEqual([]);
    expect(s({ access: 'write-once', writers: 2, writeMBpsPerWriter: Math.floor(mb(1) / 2) + 1 })).toEqual(['write']);
    expect(s({ readers: 1, readMBpsPerReader: 1, metadataOpsPerSecond: 250001 })).toEqual(['metadata']);
    expect(find({ dataGiB: 100, latency: 'sub-millisecond' }, 's3-files').shortfalls.map((x) => x.text)).toEqual(['latency: sub-millisecond asked, milliseconds given']);
  });

  test('the ordering rule: not priced, it ranks after every priced layout of its group, says so, and never counts as within a budget', () => {
    const p: WorkloadProfile = { dataGiB: 30, readers: 6, readMBpsPerReader: 100 };
    const r = find(p, 's3-files');
    expect(r.cost).toEqual({ basis: 'n/a: the S3 Files rates are not confirmed (prices.json s3Files); it bills the GB resident on its high-performance storage (files read in the last 30 days by default) and the GB read and written there, plus the bucket at S3 rates' });
    expect(r.reasons).toContain('not priced: ranked after every priced layout that fares as well (its rates are not confirmed)');
    const meeting = at(p).filter((x) => x.meets);
    expect(meeting.map((x) => x.candidate.id).pop()).toBe('s3-files');
    expect(meeting.slice(0, -1).every((x) => x.cost.usd !== undefined)).toBe(true);
    const budget = find({ ...p, budgetUsdPerMonth: 1e9 }, 's3-files');
    expect([budget.withinBudget, budget.reasons]).toEqual([false, expect.arrayContaining(['not held to the budget of $1,000,000,000 a month: not priced'])]);
    fc.assert(
      fc.property(profiles, (q) => {
        const ranked = at(q);
        const i = ranked.findIndex((x) => x.candidate.id === 's3-files');
        const group = (x: (typeof ranked)[number]) => (x.candidate.ruledOut.length > 0 ? 3 : !x.meets ? 2 : x.withinBudget ? 0 : 1);
        for (const later of ranked.slice(i + 1)) if (group(later) === group(ranked[i]) && group(later) !== 2) expect(later.cost.usd).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});

describe('properties', () => {

  test('more readers never make a cheaper but slower layout rank above a faster one unless it still keeps up for less', () => {
    fc.assert(
      fc.property(profiles, fc.integer({ min: 1, max: 64 }), (p, more) => {
        const after = rank(resolveProfile({ ...p, readers: p.readers! + more })).ranked;
        after.forEach((slow, i) => {
          for (const fast of after.slice(i + 1)) {
            if (!(slow.supply.readMBps < fast.supply.readMBps) || !fast.meets) continue;
            // Above a faster layout that keeps up: it keeps up too, and costs no more (or the faster one is over budget).
            expect({ meets: slow.meets, cheaper: (slow.cost.usd ?? Infinity) <= (fast.cost.usd ?? Infinity) || !fast.withinBudget }).toEqual({ meets: true, cheaper: true });
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  test('with more readers, a layout that stops keeping up never rises above one that still does', () => {
    fc.assert(
      fc.property(profiles, fc.integer({ min: 1, max: 64 }), (p, more) => {
        const before = rank(resolveProfile(p)).ranked;
        const after = rank(resolveProfile({ ...p, readers: p.readers! + more })).ranked;
        const pos = (list: typeof before, id: CandidateId) => list.findIndex((r) => r.candidate.id === id);
        for (const slow of after.filter((r) => !r.meets)) {
          for (const fast of after.filter((r) => r.meets)) {
            if (pos(before, slow.candidate.id) > pos(before, fast.candidate.id)) expect(pos(after, slow.candidate.id)).toBeGreaterThan(pos(after, fast.candidate.id));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the first place keeps up whenever any layout does, and every reason names what it is', () => {
    fc.assert(
      fc.property(profiles, (p) => {
        const r = rank(resolveProfile(p)).ranked;
        if (r.some((x) => x.meets)) expect(r[0].meets).toBe(true);
        for (const x of r) expect(x.reasons.length).toBeGreaterThan(0);
        expect(r.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('profile problems', () => {
  test('every problem at once, in the one message form', () => {
    expect(profileProblems({ dataGiB: 0, readers: 1.5, checkpoint: { sizeGiB: 10, intervalMinutes: 1, writeWithinSeconds: 120 }, hoursPerMonth: 800 }, 'p')).toEqual([
      "'p.dataGiB' (0) must be a size in GiB greater than 0; give the size of the dataset or model the pods read",
      "'p.readers' (1.5) must be a whole number of at least 0; pods (or GPUs) reading at the same time",
      "'p.hoursPerMonth' (800) must be at most 744 (the hours of a 31-day month); hours per month the pods run",
      "'p.checkpoint.writeWithinSeconds' (120) must be at most the interval (60 seconds); a checkpoint must be written before the next one starts",
    ]);
    expect(profileProblems({ dataGiB: 1, livesInS3: 'yes' }, 'p')).toEqual(["'p.livesInS3' (\"yes\") must be true or false; true when the data must stay in its S3 bucket, read and written there by other tools too"]);
    expect(profileProblems('fast', 'p')).toEqual(["'p' (\"fast\") must be a storage profile ({ dataGiB, readers?, readMBpsPerReader?, … }); describe what the pods ask of the storage (docs/recommender.md)"]);
  });
});

test('the order of a seed case, whole', () => {
  expect(order({ dataGiB: 40000, readers: 64, readMBpsPerReader: 200, perNode: 8, lifetime: 'job' })).toEqual(['fsx-scratch', 'fsx-persistent', 's3-files', 's3-nvme-cache', 's3-mountpoint', 'efs', 'nvme-s3-sync']);
});

test('docs/recommender.md cites the source of every documented limit, and marks the one that is not', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const page: string = require('node:fs').readFileSync(require('node:path').join(__dirname, '../../../docs/recommender.md'), 'utf8');
  const missing = Object.entries(LIMITS).filter(([, l]) => l.verified && !page.includes(l.source)).map(([k]) => k);
  expect(missing).toEqual([]);
  expect(Object.entries(LIMITS).filter(([, l]) => !l.verified).map(([k]) => k)).toEqual(['fsxMetadataIopsAutomatic', 'nvmeMBpsPerNode']);
  expect(page).toContain('**not verified**');
});
