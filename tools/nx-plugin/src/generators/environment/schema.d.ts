export interface EnvironmentGeneratorSchema {
  /** The environment name (environments/<name>/). */
  name: string;
  /** An existing environment to copy. @default - a minimal definition */
  from?: string;
}
