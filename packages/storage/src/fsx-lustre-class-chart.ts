import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Rules } from './rules';
import { FsxLustreStorageClass, FsxLustreStorageClassProps } from './fsx-lustre-class';

export interface FsxLustreStorageClassChartProps extends ChartProps {
  /**
   * The classes of this environment, by StorageClass name (cluster-scoped and stable, so that
   * workloads refer to them with `FsxLustre.fromStorageClass`).
   */
  readonly classes: { readonly [name: string]: Omit<FsxLustreStorageClassProps, 'name'> };
}

/**
 * The cluster-level part of the FSx for Lustre tier for one environment: named StorageClasses
 * (e.g. `fsx-scratch` and `fsx-persistent`) that workload charts claim from.
 */
export class FsxLustreStorageClassChart extends Chart {
  /** The classes, by name. */
  public readonly classes: { readonly [name: string]: FsxLustreStorageClass };

  public constructor(scope: Construct, id: string, props: FsxLustreStorageClassChartProps) {
    super(scope, id, props);
    const rules = new Rules(this);
    const classes: { [name: string]: FsxLustreStorageClass } = {};
    const names = Object.keys(props.classes);
    if (names.length === 0) rules.fail('classes', props.classes, 'at least one class', 'name the classes of this environment, e.g. { "fsx-scratch": { ... } }');
    for (const name of names) {
      rules.check('classes', name, { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 }, 'use lowercase letters, digits, "-" and "."', 'a StorageClass name (DNS subdomain)');
      classes[name] = new FsxLustreStorageClass(this, name, { ...props.classes[name], name });
    }
    this.classes = classes;
  }
}
