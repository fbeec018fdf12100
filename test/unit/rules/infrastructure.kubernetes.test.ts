import * as assert from 'node:assert/strict';
import { infrastructureHostPath as hostPath } from '../../../src/core/rules/infrastructure/host-path';
import { infrastructureLatestTag as latestTag, imagePin } from '../../../src/core/rules/infrastructure/latest-tag';
import { infrastructureNoResourceLimits as noResourceLimits } from '../../../src/core/rules/infrastructure/no-resource-limits';
import { infrastructurePrivilegedContainer as privilegedContainer } from '../../../src/core/rules/infrastructure/privileged-container';
import { infrastructureRunsAsRoot as runsAsRoot } from '../../../src/core/rules/infrastructure/runs-as-root';
import { check, covered, where } from './infrastructure-harness';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: api }
    spec:
      hostNetwork: true
      securityContext:
        runAsUser: 0
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
          securityContext:
            privileged: true
            allowPrivilegeEscalation: true
            capabilities:
              add: ["NET_ADMIN", "CAP_SYS_ADMIN", "CHOWN"]
          resources:
            limits: { memory: 512Mi }
        - name: sidecar
          image: envoyproxy/envoy
          securityContext:
            runAsUser: 1000
      initContainers:
        - name: migrate
          image: busybox:latest
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
        - name: logs
          hostPath: { path: /var/log/api }
        - name: root
          hostPath:
            path: /
        - name: cache
          emptyDir: {}
`;

describe('infrastructure rules on Kubernetes manifests', () => {
  it('infrastructure/privileged-container: privileged, escalation, capabilities and host namespaces', () => {
    const findings = check(privilegedContainer, 'deploy/api.yaml', DEPLOYMENT);
    assert.deepEqual(where(findings), [[11, 'warning'], [18, 'error'], [19, 'warning'], [21, 'warning'], [21, 'error']]);
    assert.equal(covered(DEPLOYMENT, findings[1]), 'privileged: true');
    assert.match(findings[1].message, /Container "api" of Deployment "api" is privileged/);
    assert.match(findings[4].message, /`SYS_ADMIN`/);
  });

  it('infrastructure/host-path: the runtime socket and node roots are errors, other host paths warnings', () => {
    const findings = check(hostPath, 'deploy/api.yaml', DEPLOYMENT);
    assert.deepEqual(where(findings), [[34, 'error'], [36, 'warning'], [39, 'error']]);
    assert.match(findings[0].message, /container runtime socket `\/var\/run\/docker\.sock`/);
  });

  it('infrastructure/runs-as-root: pod-level root reported once, a container\'s own user wins', () => {
    const findings = check(runsAsRoot, 'deploy/api.yaml', DEPLOYMENT);
    assert.deepEqual(where(findings), [[13, 'warning']]);
    assert.match(findings[0].message, /^Deployment "api" runs as root/);
    const nonRoot = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: a
      image: a:1
      securityContext:
        runAsNonRoot: false
    - name: b
      image: b:1
`;
    assert.deepEqual(where(check(runsAsRoot, 'pod.yaml', nonRoot)), [[11, 'warning']]);
  });

  it('infrastructure/no-resource-limits: containers without a memory limit, as information', () => {
    assert.deepEqual(where(check(noResourceLimits, 'deploy/api.yaml', DEPLOYMENT)), [[24, 'info'], [29, 'info']]);
  });

  it('infrastructure/latest-tag: latest and untagged images; digests, versions, registries with ports and templates pass', () => {
    assert.deepEqual(where(check(latestTag, 'deploy/api.yaml', DEPLOYMENT)), [[25, 'warning'], [30, 'warning']]);
    assert.equal(imagePin('localhost:5000/app'), 'none');
    assert.equal(imagePin('localhost:5000/app:2.1'), 'tag');
    assert.equal(imagePin('nginx@sha256:0123abcd'), 'digest');
    assert.equal(imagePin('nginx:latest@sha256:0123abcd'), 'digest');
    const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: $(IMAGE)
            - name: report
              image: alpine
          restartPolicy: Never
`;
    assert.deepEqual(where(check(latestTag, 'cron.yaml', cronJob)), [[14, 'warning']]);
  });

  it('reads List items and every document of a multi-document file', () => {
    const text = `apiVersion: v1
kind: Service
metadata: { name: s }
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata: { name: agent }
    spec:
      template:
        spec:
          hostPID: true
          containers: [{ name: agent, image: "agent:2" }]
`;
    assert.deepEqual(where(check(privilegedContainer, 'all.yaml', text)), [[14, 'warning']]);
  });

  it('skips Helm templates quietly and reports a broken plain manifest once, without throwing', () => {
    const helm = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      {{- with .Values.securityContext }}
      securityContext: {{ toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;
    const rules = [privilegedContainer, hostPath, runsAsRoot, noResourceLimits, latestTag];
    assert.deepEqual(check(rules, 'chart/templates/deployment.yaml', helm), []);
    const broken = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n     image: b\n';
    const findings = check(rules, 'pod.yaml', broken);
    assert.deepEqual(findings.map((finding) => finding.ruleId), ['infrastructure/privileged-container']);
    assert.match(findings[0].message, /not valid YAML/);
  });

  it('is not fooled by the string "true" (rejected by the API server) or by settings outside a pod spec', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: { name: c }
data:
  privileged: "true"
  securityContext: |
    privileged: true
`;
    assert.deepEqual(check([privilegedContainer, hostPath, runsAsRoot, noResourceLimits, latestTag], 'cm.yaml', text), []);
  });
});
