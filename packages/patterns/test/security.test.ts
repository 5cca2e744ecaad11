import * as plus from 'cdk8s-plus-28';
import { Rules } from '@strata/storage';
import { Tokens } from '@strata/tokens';
import { applyPodGroups, containerProps, restrictedSecurityContext, runAsOf } from '../src';
import { newChart, synth, synthErrors } from './testing';

const ROOT = `'x.user' (0) must be a uid from 1 to 2147483647 (not 0: root); Pod Security "restricted" refuses a container running as root (runAsUser 0), and strata's namespaces enforce it: run as a non-root uid, e.g. 1000, and give the files the container needs to that uid or to one of its groups`;

describe('security context per container', () => {
  test('containerProps without a rule book throws for root, with the same message', () => {
    expect(() => containerProps('x', { image: 'x:1', user: 0 })).toThrow(ROOT);
    expect(containerProps('x', { image: 'x:1', user: 4242, group: 0 }).securityContext).toEqual(restrictedSecurityContext(4242, 0));
  });

  test('containerProps without a rule book still gives values their schema rules', () => {
    const user = Tokens.number('server.uid');
    containerProps('x', { image: 'x:1', user });
    expect(Tokens.infoOf(user)!.constraints.map((c) => c.constraint)).toEqual([{ minimum: 1, maximum: 2147483647, multipleOf: 1 }]);
  });

  test('pod groups: supplemental groups add up, one fsGroup per pod', () => {
    const chart = newChart();
    const pod = new plus.Pod(chart, 'pod', { securityContext: { ensureNonRoot: true, fsGroup: 100 } });
    pod.addContainer({ name: 'c', image: 'x:1', securityContext: restrictedSecurityContext() });
    const rules = new Rules(pod);
    applyPodGroups(rules, 'a', pod, { supplementalGroups: [10, 20] });
    applyPodGroups(rules, 'b', pod, { supplementalGroups: [20, 30], fsGroup: 100 });
    expect(synth(chart)[0].spec.securityContext).toMatchObject({ fsGroup: 100, supplementalGroups: [10, 20, 30] });
    applyPodGroups(rules, 'c', pod, { fsGroup: 200 });
    expect(synthErrors(chart)).toEqual([`[test/pod] 'c.fsGroup' (200) must be the pod's own fsGroup (100); a pod has one fsGroup: leave it unset here, or give the pod the same one`]);
  });

  test('helpers run as the container they serve: its own uid, else its pod\'s, else 1000', () => {
    const chart = newChart();
    const pod = new plus.Pod(chart, 'pod', { securityContext: { ensureNonRoot: true, user: 3000, group: 3001 } });
    const own = pod.addContainer({ name: 'own', image: 'x:1', securityContext: { user: 2000, group: 2001 } });
    const inherits = pod.addContainer({ name: 'inherits', image: 'x:1', securityContext: { ensureNonRoot: true } });
    expect(runAsOf(own, pod)).toEqual({ user: 2000, group: 2001 });
    expect(runAsOf(inherits, pod)).toEqual({ user: 3000, group: 3001 });
    expect(runAsOf(new plus.Container({ name: 'bare', image: 'x:1' }))).toEqual({ user: 1000, group: 1000 });
  });
});
