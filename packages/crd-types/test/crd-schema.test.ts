import { CRD_KINDS, CrdKind } from '@strata/crd-types';
import { crdSchema, schemaErrors } from '@strata/kube-schemas';

const kind = (module: string): CrdKind => CRD_KINDS.find((k) => k.module === module)!;

describe('schemaErrors: CRD schemas under strict field validation', () => {
  // Small CRDs, so ajv can also compile the whole schema: the cut-down schema must give the same answers.
  const policy = crdSchema(kind('ack-iam-policy'));
  const accessPoint = crdSchema(kind('ack-efs-access-point'));
  const base = { apiVersion: 'iam.services.k8s.aws/v1alpha1', kind: 'Policy', metadata: { name: 'p' } };
  const cases: [string, object, object, string[]][] = [
    ['valid', policy, { ...base, spec: { name: 'p', policyDocument: '{}', tags: [{ key: 'team', value: 'ml' }] } }, []],
    ['unknown field', policy, { ...base, spec: { name: 'p', policyDocument: '{}', policyDocumnet: '{}' } }, ["/spec: unknown field 'policyDocumnet'"]],
    ['a TypeScript name instead of the wire name', accessPoint, { ...base, spec: { fileSystemId: 'fs-1' } }, ["/spec: unknown field 'fileSystemId'"]],
    ['missing required field', policy, { ...base, spec: { name: 'p' } }, ["/spec: must have required property 'policyDocument'"]],
    ['wrong type deep in an array', policy, { ...base, spec: { name: 'p', policyDocument: '{}', tags: [{ key: 1 }] } }, ['/spec/tags/0/key: must be string']],
  ];
  test.each(cases)('%s: the same errors from the whole schema and the cut-down one', (_, schema, object, errors) => {
    expect(schemaErrors(schema, object, { whole: true })).toEqual(errors);
    expect(schemaErrors(schema, object)).toEqual(errors);
  });

  test('maps and objects that preserve unknown fields take any key', () => {
    const jobset = crdSchema(kind('jobset'));
    const object = {
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'j' },
      spec: {
        replicatedJobs: [
          {
            name: 'w',
            template: {
              metadata: { labels: { 'app.kubernetes.io/name': 'w' } },
              spec: { template: { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': 1 } } }] } } },
            },
          },
        ],
      },
    };
    expect(schemaErrors(jobset, object)).toEqual([]);
    const bad = structuredClone(object) as any;
    bad.spec.replicatedJobs[0].template.spec.template.spec.containers[0].imagePullPolicy = 1;
    bad.spec.replicatedJobs[0].template.spec.template.spec.containers[0].volumeMount = [];
    expect(schemaErrors(jobset, bad)).toEqual([
      "/spec/replicatedJobs/0/template/spec/template/spec/containers/0: unknown field 'volumeMount'",
      '/spec/replicatedJobs/0/template/spec/template/spec/containers/0/imagePullPolicy: must be string',
    ]);
  });

  test("Go (RE2) patterns compile, though JavaScript's unicode mode refuses escapes like \\-", () => {
    // The pattern of NIMService's spec.expose.router.hostDomainName.
    const schema = { type: 'object', properties: { host: { type: 'string', pattern: '^(([a-z0-9][a-z0-9\\-]*[a-z0-9])|[a-z0-9]+\\.)*([a-z]+|xn\\-\\-[a-z0-9]+)\\.?$' } } };
    expect(schemaErrors(schema, { host: 'spark.example.com' })).toEqual([]);
    expect(schemaErrors(schema, { host: 'Spark_' })).toEqual(['/host: must match pattern "^(([a-z0-9][a-z0-9\\-]*[a-z0-9])|[a-z0-9]+\\.)*([a-z]+|xn\\-\\-[a-z0-9]+)\\.?$"']);
  });
});
