import { describePattern } from './constraint';

/**
 * Patterns of Kubernetes and container values, each with the words strata says instead of the
 * regular expression ("must be a Kubernetes quantity such as …").
 */

/** A Kubernetes resource quantity (kubernetes/apimachinery pkg/api/resource/quantity.go, decimal and binary suffixes). */
export const QUANTITY = describePattern('^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$', 'a Kubernetes quantity such as "500m", "2" or "16Gi"');

/** A Go duration of hours, minutes and seconds as Karpenter takes it ("90s", "1h30m"). */
export const DURATION = describePattern('^([0-9]+(s|m|h))+$', 'a duration of hours, minutes and seconds such as "90s", "15m" or "1h30m"');

/** A container image repository: lowercase path components, an optional registry host and port, no tag or digest. */
export const IMAGE_REPOSITORY = describePattern(
  '^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
  'an image repository such as "public.ecr.aws/docker/library/python" (lowercase, without a tag or digest)',
);

/** A container image tag (the OCI distribution spec's tag grammar). */
export const IMAGE_TAG = describePattern('^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', 'an image tag of 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"');

/** A label, annotation, resource or taint key: an optional DNS-subdomain prefix and "/", then a name of up to 63 characters. */
export const QUALIFIED_NAME = describePattern(
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
  'a Kubernetes key such as "example.com/name": an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_" and "." starting and ending with a letter or digit',
);

/** A label value: empty, or up to 63 letters, digits, "-", "_" and ".", alphanumeric at both ends. */
export const LABEL_VALUE = describePattern('^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', 'a label value: empty, or letters, digits, "-", "_" and "." starting and ending with a letter or digit');

/** An absolute path. */
export const ABSOLUTE_PATH = describePattern('^/', 'an absolute path (starting with "/")');

/** A relative path (not starting with "/"). */
export const RELATIVE_PATH = describePattern('^[^/]', 'a relative path (not starting with "/")');

/** A string ending in "/". */
export const ENDS_WITH_SLASH = describePattern('/$', 'a string ending in "/"');

/** Two adjacent periods (refused where a name must not contain them). */
export const DOUBLE_DOT = describePattern('\\.\\.', 'a string containing ".."');

/** A dotted-quad IPv4 address. */
export const IPV4_ADDRESS = describePattern('^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$', 'an IPv4 address');

/** A model name as OpenAI-compatible servers take it ("meta-llama/Llama-3.1-8B-Instruct"). */
export const SERVED_MODEL_NAME = describePattern('^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$', 'a model name of 1 to 128 letters, digits, ".", "_", "/" and "-", starting with a letter or digit');

/** A Kubernetes object name (a DNS subdomain: Secrets, ConfigMaps, claims). */
export const OBJECT_NAME = describePattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', 'a Kubernetes object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
