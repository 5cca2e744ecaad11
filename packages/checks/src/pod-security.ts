// The Pod Security Standards checker lives with the pod-template model in @strata/tokens, so that
// synthesis (@strata/helm) holds every chart's pods to it too; the checks re-export it.
export { checkPodSecurity, checkResourceRequests, checkRestricted, POD_SECURITY_ENFORCE_LABEL, POD_SECURITY_LEVELS, podSecurityProblems, podSpecsOf, refusedAt } from '@strata/tokens';
export type { PodSecurityLevelName, PodSecurityProblem, PodSpecJson } from '@strata/tokens';
