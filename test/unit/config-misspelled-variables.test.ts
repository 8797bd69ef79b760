import { describe, expect, it } from 'vitest';
import { configWarnings, misspelledVariableWarnings, SETTINGS } from '../../src/config.js';

/** The variable a warning is about, and the setting it names. */
const pairs = (env: Record<string, string>) =>
  misspelledVariableWarnings(env).map((warning) => {
    const match = /^(\S+) is not a setting of the gateway and is ignored; did you mean (\S+)\?$/.exec(warning);
    expect(match, warning).not.toBeNull();
    return [match![1], match![2]];
  });

describe('misspelled variables', () => {
  it('names the closest setting for a typo or a word off', () => {
    expect(
      pairs({
        LOG_LEVL: 'debug',
        LOGLEVEL: 'debug',
        log_level: 'debug',
        UPSTREAM_TIMEOUT: '5000',
        UPSTREAM_TIMOUT_MS: '5000',
        SHUTDOWN_TIMEOUT_SECONDS: '20',
        CORS_ORIGIN: 'https://portal.example',
        CURSOR_SECRETS: 'a-secret-of-at-least-16-characters',
        INTROSPECTON: 'false',
        PORTS: '4000',
      }),
    ).toEqual([
      ['CORS_ORIGIN', 'CORS_ORIGINS'],
      ['CURSOR_SECRETS', 'CURSOR_SECRET'],
      ['INTROSPECTON', 'INTROSPECTION'],
      ['LOGLEVEL', 'LOG_LEVEL'],
      ['LOG_LEVL', 'LOG_LEVEL'],
      ['PORTS', 'PORT'],
      ['SHUTDOWN_TIMEOUT_SECONDS', 'SHUTDOWN_TIMEOUT_MS'],
      ['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT_MS'],
      ['UPSTREAM_TIMOUT_MS', 'UPSTREAM_TIMEOUT_MS'],
      ['log_level', 'LOG_LEVEL'],
    ]);
  });

  it('never reports a setting, a variable the gateway reads, or other software\'s variables', () => {
    const settings = Object.fromEntries(Object.values(SETTINGS).map((setting) => [setting.env, '1']));
    const unrelated = {
      PATH: '/usr/bin', HOME: '/home/node', HOSTNAME: 'gateway-7d9f', USER: 'node', SHELL: '/bin/sh', TERM: 'xterm', LANG: 'C.UTF-8', PWD: '/app', TZ: 'UTC',
      NODE_ENV: 'production', NODE_OPTIONS: '--max-old-space-size=384', NODE_VERSION: '24.11.0', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', YARN_VERSION: '1.22.22',
      npm_config_loglevel: 'warn', npm_lifecycle_event: 'start', INIT_CWD: '/app',
      OTEL_SERVICE_NAME: 'gateway', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_LOG_LEVEL: 'info',
      KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_PORT: 'tcp://10.0.0.1:443',
      // The probe's credentials, read beside the gateway's settings.
      UPSTREAM_TOKEN: 'token', UPSTREAM_TENANT: 'tenant.example',
      // Service links of Services named `upstream`, `tail` and `metrics` in the same namespace.
      UPSTREAM_PORT: 'tcp://10.0.0.7:80', UPSTREAM_SERVICE_HOST: '10.0.0.7', UPSTREAM_SERVICE_PORT: '80', UPSTREAM_PORT_80_TCP_ADDR: '10.0.0.7',
      TAIL_PORT: 'tcp://10.0.0.8:80', TAIL_SERVICE_PORT_HTTP: '80', METRICS_PORT_9090_TCP: 'tcp://10.0.0.9:9090',
      HOST_IP: '192.0.2.10', HTTP_PROXY: 'http://proxy:3128', CI: 'true', REQUIRE_HAPROXY: '1', HAPROXY_PATH: '/usr/sbin/haproxy',
    };
    expect(misspelledVariableWarnings({ ...settings, ...unrelated })).toEqual([]);
  });

  it('says nothing of the value, which may be a secret', () => {
    const [warning] = misspelledVariableWarnings({ CURSOR_SECRETS: 'do-not-print-this-secret' });
    expect(warning).toContain('CURSOR_SECRETS');
    expect(warning).not.toContain('do-not-print-this-secret');
  });

  it('is among the start-up warnings, one line per variable', () => {
    const warnings = configWarnings({ LOG_LEVL: 'debug', UPSTREAM_TIMEOUT: '5000', PATH: '/usr/bin' });
    expect(warnings).toHaveLength(2);
    expect(warnings.filter((line) => line.startsWith('LOG_LEVL '))).toHaveLength(1);
    expect(warnings.filter((line) => line.startsWith('UPSTREAM_TIMEOUT '))).toHaveLength(1);
  });
});
