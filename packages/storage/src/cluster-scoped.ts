import { ApiObject } from 'cdk8s';

/**
 * A Chart's `namespace` is stamped onto every object it holds, cluster-scoped ones too.
 * StorageClasses and PersistentVolumes must never carry one: this drops it at synthesis.
 */
export function keepClusterScoped(obj: ApiObject): void {
  const original = obj.toJson.bind(obj);
  obj.toJson = () => {
    const json = original();
    if (json.metadata && 'namespace' in json.metadata) delete json.metadata.namespace;
    return json;
  };
}
