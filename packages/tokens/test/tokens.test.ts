import { Construct } from 'constructs';
import { ceilDiv, clauseHolds, conditionsOf, describeConstraint, evaluateFormula, flushSeconds, holdsData, isExcluded, markHoldsData, onlyWhen, problem, satisfies, Tokens, warn, warningsOf } from '../src';

describe('constraints', () => {
  test.each([
    [50, { enum: [50, 100, 200] }, true],
    [125, { enum: [50, 100, 200] }, false],
    [4800, { anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] }, true],
    [3600, { anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] }, false],
    ['07:30', { pattern: '^([01]\\d|2[0-3]):?([0-5]\\d)$' }, true],
    ['24:00', { pattern: '^([01]\\d|2[0-3]):?([0-5]\\d)$' }, false],
    [91, { minimum: 0, maximum: 90 }, false],
    ['NONE', { not: { enum: ['ALL'] } }, true],
    [[], { minItems: 1 }, false],
    [['sg-068000ccf82dfba88'], { minItems: 1 }, true],
  ])('satisfies(%j, %j) is %s', (value, c, ok) => {
    expect(satisfies(value, c)).toBe(ok);
  });

  test('describeConstraint reads like the accepted values of a message', () => {
    expect(describeConstraint({ enum: [50, 100, 200] })).toBe('one of 50, 100, 200');
    expect(describeConstraint({ minimum: 0, maximum: 90 })).toBe('between 0 and 90');
    expect(describeConstraint({ anyOf: [{ enum: [1200] }, { multipleOf: 2400 }] })).toBe('one of 1200 or a multiple of 2400');
    expect(describeConstraint({ minItems: 1 })).toBe('at least 1 item');
  });

  test('problem() has the house shape', () => {
    expect(problem('subnetId', undefined, 'exactly one subnet id', 'set subnetId')).toBe("'subnetId' (not set) must be exactly one subnet id; set subnetId");
    expect(problem('deploymentType', 'X', 'one of A, B')).toBe(`'deploymentType' ("X") must be one of A, B`);
  });
});

describe('Tokens', () => {
  const owner = {};

  test('string tokens survive concatenation and are found again', () => {
    const repo = Tokens.string('image.repository', owner);
    const tag = Tokens.string('image.tag', owner);
    const image = `${repo}:${tag}`;
    expect(Tokens.infoOf(image)).toBeUndefined();
    expect(Tokens.tokensIn(image).map((t) => t.path)).toEqual(['image.repository', 'image.tag']);
    expect(Tokens.split(image).map((p) => (typeof p === 'string' ? p : p.path))).toEqual(['image.repository', ':', 'image.tag']);
  });

  test('number tokens are found whole and printed into strings', () => {
    const n = Tokens.number('cache.sizeGiB', owner);
    expect(Tokens.infoOf(n)!.kind).toBe('integer');
    expect(Tokens.tokensIn(`${n}Gi`).map((t) => t.path)).toEqual(['cache.sizeGiB']);
    // an offset stays in the token range and is caught; a product leaves it (the writer's unit-aware sizes avoid those)
    expect(Tokens.isCorruptedNumber(n + 50_000_000)).toBe(true);
    expect(Tokens.isCorruptedNumber(n)).toBe(false);
  });

  test('list and object tokens survive copies', () => {
    const args = Tokens.list<string>('server.args', owner);
    const labels = Tokens.object<Record<string, string>>('server.labels', owner);
    expect(Tokens.infoOf([...args])!.path).toBe('server.args');
    expect(Tokens.infoOf({ ...labels })!.path).toBe('server.labels');
  });

  test('check decides literals now and attaches the constraint to tokens', () => {
    const t = Tokens.number('fsx.throughput', owner);
    expect(Tokens.check(125, { enum: [50, 100, 200] }, 'x')).toBe(false);
    expect(Tokens.check(t, { enum: [50, 100, 200] }, '[app/fsx] perUnitStorageThroughput')).toBe(true);
    expect(Tokens.infoOf(t)!.constraints).toEqual([{ constraint: { enum: [50, 100, 200] }, origin: '[app/fsx] perUnitStorageThroughput' }]);
  });

  test('a derived token carries its constraint back to the base value, scaled', () => {
    const gib = Tokens.number('cache.size', owner);
    const mib = Tokens.derive(gib, 1024);
    Tokens.check(mib, { maximum: 2048 }, 'limit');
    expect(Tokens.infoOf(gib)!.constraints[0].constraint).toMatchObject({ maximum: 2 });
  });

  test('checkWhen: literal clauses decide, token clauses become conditional rules', () => {
    const own = {};
    const type = Tokens.string('fsx.deploymentType', own);
    const tput = Tokens.number('fsx.throughput', own);
    expect(Tokens.checkWhen([{ value: 'SCRATCH_2', equals: 'PERSISTENT_1' }], 125, { enum: [50] }, 'o')).toBe(true);
    expect(Tokens.checkWhen([{ value: 'PERSISTENT_1', equals: 'PERSISTENT_1' }], 125, { enum: [50] }, 'o')).toBe(false);
    Tokens.checkWhen([{ value: type, equals: 'PERSISTENT_1' }], tput, { enum: [50, 100, 200] }, 'rule a');
    Tokens.checkWhen([{ value: type, equals: 'PERSISTENT_2' }], 200, { enum: [125, 250] }, 'rule b');
    const rules = Tokens.conditionalsOf(own);
    expect(rules.map((r) => [r.origin, r.when.map((w) => [w.token.path, w.equals]), r.then?.token.path])).toEqual([
      ['rule a', [['fsx.deploymentType', ['PERSISTENT_1']]], 'fsx.throughput'],
      ['rule b', [['fsx.deploymentType', ['PERSISTENT_2']]], undefined],
    ]);
  });

  test('checkWhen with differsFrom: the clause holds when the value is none of the listed ones', () => {
    const own = {};
    const path = Tokens.string('fsx.s3ImportPath', own);
    const days = Tokens.number('fsx.backupDays', own);
    // Literal clauses: "an import path is set" holds for a path, not for "".
    expect(Tokens.checkWhen([{ value: 's3://data', differsFrom: '' }], 7, { enum: [0] }, 'o')).toBe(false);
    expect(Tokens.checkWhen([{ value: '', differsFrom: '' }], 7, { enum: [0] }, 'o')).toBe(true);
    expect(clauseHolds({ value: 'b', differsFrom: ['a', 'c'] }, 'b')).toBe(true);
    expect(clauseHolds({ value: 'a', differsFrom: ['a', 'c'] }, 'a')).toBe(false);
    // A token clause is recorded negated, for the writer's `not: {enum}`.
    Tokens.checkWhen([{ value: path, differsFrom: '' }], days, { enum: [0] }, 'rule c');
    expect(Tokens.conditionalsOf(own).map((r) => [r.origin, r.when.map((w) => [w.token.path, w.equals, w.negated]), r.then?.constraint])).toEqual([
      ['rule c', [['fsx.s3ImportPath', [''], true]], { enum: [0] }],
    ]);
  });
});

describe('forgetting the tokens of a finished chart', () => {
  test('forgetSince drops the tokens made after the mark, their rules and their numbers; the ones before stay; ids are not reused', () => {
    const before = {};
    const kept = Tokens.string('kept.name', before);
    const keptNumber = Tokens.number('kept.size', before);
    const mark = Tokens.mark();
    const chart = {};
    const name = Tokens.string('chart.name', chart);
    const size = Tokens.number('chart.size', chart);
    const mode = Tokens.string('chart.mode', chart);
    Tokens.checkWhen([{ value: mode, equals: 'fast' }], size, { minimum: 10 }, 'rule of the chart');
    Tokens.checkRelation('sameS3Bucket', name, 's3://bucket/x', 'relation of the chart', 'in the bucket of x');
    expect(Tokens.ownedBy(chart).map((t) => t.path)).toEqual(['chart.name', 'chart.size', 'chart.mode']);

    Tokens.forgetSince(mark);
    expect(Tokens.infoOf(name)).toBeUndefined();
    expect(Tokens.infoOf(size)).toBeUndefined();
    expect(Tokens.isCorruptedNumber(size)).toBe(true);
    expect(Tokens.ownedBy(chart)).toEqual([]);
    expect(Tokens.conditionalsOf(chart)).toEqual([]);
    expect(Tokens.relationsOf(chart)).toEqual([]);
    expect(Tokens.infoOf(kept)!.path).toBe('kept.name');
    expect(Tokens.infoOf(keptNumber)!.path).toBe('kept.size');
    expect(Tokens.infoOf(Tokens.string('next', {}))!.id).toBeGreaterThanOrEqual(mark + 3);
  });
});

describe('marks', () => {
  test('holds data, conditions, exclusion and warnings', () => {
    const root = new Construct(undefined as any, '');
    const a = new Construct(root, 'a');
    const b = new Construct(a, 'b');
    markHoldsData(a);
    expect(holdsData(b)).toBe(true);
    const flag = Tokens.boolean('extras.enabled', {});
    onlyWhen(a, flag);
    expect(conditionsOf(b).map((t) => t.path)).toEqual(['extras.enabled']);
    const c = new Construct(root, 'c');
    onlyWhen(c, false);
    expect(isExcluded(c)).toBe(true);
    expect(() => onlyWhen(c, Tokens.string('x', {}) as unknown as boolean)).toThrow("onlyWhen(c): value 'x' is a string, not a boolean");
    warn(b, 'careful');
    warn(b, 'careful');
    expect(warningsOf(root)).toEqual(['[a/b] careful']);
  });
});

describe('formulas: whole-number arithmetic over values', () => {
  test('literals only: the plain result, with int64 semantics', () => {
    expect(Tokens.sum(600, 7200, 1800)).toBe(9600);
    expect(Tokens.product(16, 1024)).toBe(16384);
    expect(Tokens.ceilDiv(20_480_000, 250_000)).toBe(82);
    expect(Tokens.ceilDiv(500_000, 250_000)).toBe(2); // exact: no rounding up
    expect(flushSeconds({ checkpointMiB: 16 * 1024, uploadMiBps: 250, localWriteMiBps: 1000 })).toBe(97);
  });

  test('ceilDiv is exact for large whole numbers (no floating-point rounding up)', () => {
    for (let d = 1; d < 400; d += 37) for (let n = 0; n < 5000; n += 123) expect(ceilDiv(n, d)).toBe(Math.floor((n + d - 1) / d));
    expect(ceilDiv(2 ** 52 - 1, 3)).toBe(1501199875790165);
  });

  test('with a value: a formula token, evaluated the same way; rules on it are kept on it (template guards)', () => {
    const own = {};
    const gib = Tokens.number('checkpoints.checkpointSize', own);
    const secs = flushSeconds({ checkpointMiB: Tokens.derive(gib, 1024), uploadMiBps: 250, localWriteMiBps: 1000 });
    const info = Tokens.infoOf(secs)!;
    expect(info.path).toBe('$formula');
    expect(info.owner).toBe(own);
    expect(evaluateFormula(info.formula!, (t) => (t.path === 'checkpoints.checkpointSize' ? 16 : NaN) * (t.derivation?.multiplier ?? 1))).toBe(97);
    Tokens.check(secs, { maximum: 600 }, 'grace');
    expect(info.constraints).toEqual([{ constraint: { maximum: 600 }, origin: 'grace' }]);
    expect(() => Tokens.sum(Tokens.boolean('x', own) as unknown as number, 1)).toThrow("add: value 'x' is a boolean, not a number");
    expect(() => Tokens.sum(7_150_000_000, 1)).toThrow('add: 7150000000 is arithmetic on a value; use Tokens.sum on the value itself'); // a number in the token range that no token is
  });

  test('a literal part among the token markers is never taken for a value: 5547 GiB flushed at 250 + 1000 MiB/s (mib × 1250 = 7100160000)', () => {
    const facts = { checkpointMiB: 5547 * 1024, uploadMiBps: 250, localWriteMiBps: 1000 };
    expect(facts.checkpointMiB * (facts.uploadMiBps + facts.localWriteMiBps)).toBe(7_100_160_000); // in the marker range
    expect(flushSeconds(facts)).toBe(28_416); // ceil(7100160000 / 250000) + 15
    // Even when that number is a registered marker, the result is the literal one.
    const own = {};
    let marker = Tokens.number('filler', own);
    while (marker < 7_100_160_000) marker = Tokens.number('filler', own);
    expect(Tokens.infoOf(7_100_160_000)).toBeDefined();
    expect(flushSeconds(facts)).toBe(28_416);
    // With the size a value, the formula folds the literal parts as before.
    const gib = Tokens.number('checkpoints.checkpointSize', own);
    const info = Tokens.infoOf(flushSeconds({ ...facts, checkpointMiB: Tokens.derive(gib, 1024) }))!;
    expect(info.owner).toBe(own);
    expect(info.formula).toEqual({ op: 'add', args: [{ op: 'ceilDiv', args: [{ op: 'mul', args: [expect.objectContaining({ path: 'checkpoints.checkpointSize', derivation: expect.objectContaining({ multiplier: 1024 }) }), 1250] }, 250_000] }, 15] });
    expect(evaluateFormula(info.formula!, (t) => 5547 * (t.derivation?.multiplier ?? 1))).toBe(28_416);
  });

  test('compute: nested parts stay inside the expression; a literal result among the markers is refused', () => {
    expect(Tokens.compute({ op: 'ceilDiv', args: [{ op: 'mul', args: [5_680_128, 1250] }, 250_000] })).toBe(28_401);
    expect(() => Tokens.compute({ op: 'mul', args: [5_680_128, 1250] })).toThrow('mul: the result 7100160000 lies among the numbers that stand for values (7100000000 to 7199999999) and could be taken for one; keep the literals out of that range');
    expect(() => Tokens.product(5_680_128, 1250)).toThrow('mul: the result 7100160000 lies among the numbers that stand for values');
  });
});

describe('values left out when empty', () => {
  const owner = {};

  test('a literal is decided now: empty is undefined, anything else is kept (as text for optionalText)', () => {
    expect([Tokens.optionalText(''), Tokens.optionalText(0), Tokens.optionalText(false), Tokens.optionalText([]), Tokens.optionalText(undefined)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect([Tokens.optionalText('x'), Tokens.optionalText(1500), Tokens.optionalText(true), Tokens.optionalText(['a=1', 'b=2'])]).toEqual(['x', '1500', 'true', 'a=1,b=2']);
    expect([Tokens.omittedWhenEmpty([]), Tokens.omittedWhenEmpty({}), Tokens.omittedWhenEmpty(['iam'])]).toEqual([undefined, undefined, ['iam']]);
  });

  test('a value becomes a view of itself: same path and kind, a string marker for text, the shape of the value for a list', () => {
    const count = Tokens.number('count', owner);
    const text = Tokens.optionalText(count)!;
    expect(typeof text).toBe('string');
    expect(Tokens.infoOf(text)).toMatchObject({ path: 'count', kind: 'integer', owner, omitWhenEmpty: true, asText: true });
    const options = Tokens.list<string>('options', owner);
    const kept = Tokens.omittedWhenEmpty(options)!;
    expect(Array.isArray(kept) && kept.length === 1).toBe(true);
    expect(Tokens.infoOf(kept)).toMatchObject({ path: 'options', kind: 'list', omitWhenEmpty: true });
    expect(Tokens.infoOf(kept)!.asText).toBeUndefined();
  });

  test('a string built from values and text is never empty: kept as it is', () => {
    const bucket = Tokens.string('bucket', owner);
    expect(Tokens.optionalText(`s3://${bucket}/`)).toBe(`s3://${bucket}/`);
  });
});

describe('relations between two values', () => {
  test('literals are decided now; a side left empty holds', () => {
    expect(Tokens.checkRelation('sameS3Bucket', 's3://a/x', 's3://a', '[o] f', 'in the bucket')).toBe(true);
    expect(Tokens.checkRelation('sameS3Bucket', 's3://b/x', 's3://a', '[o] f', 'in the bucket')).toBe(false);
    expect(Tokens.checkRelation('sameS3Bucket', '', 's3://a', '[o] f', 'in the bucket')).toBe(true);
  });

  test('a value on either side records the rule for the chart of its owner', () => {
    const owner = {};
    const exp = Tokens.string('exportPath', owner);
    expect(Tokens.checkRelation('sameS3Bucket', exp, 's3://a', '[o] exportPath', 'in the bucket of the import path')).toBe(true);
    expect(Tokens.relationsOf(owner)).toEqual([{ relation: 'sameS3Bucket', a: Tokens.infoOf(exp), b: 's3://a', origin: '[o] exportPath', accepted: 'in the bucket of the import path' }]);
    expect(Tokens.relationsOf({})).toEqual([]);
  });
});
