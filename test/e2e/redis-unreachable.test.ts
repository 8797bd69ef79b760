import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { freeLoopbackPort, noticeRedisSkip, RUN_REDIS_TESTS, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { subscribe } from '../support/sse.js';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process.js';

/**
 * A replica whose REDIS_URL answers nothing yet: it starts and serves anyway (its
 * /readyz too), logs one warning however long Redis stays away, and shares state
 * once Redis comes up. Redis's password is in no log line.
 */

noticeRedisSkip('the start without Redis');

const PASSWORD = 'redis-password-never-logged';
const CALLER = { authorization: 'Bearer unreachable-token', 'x-tenant': 'unreachable.example' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!RUN_REDIS_TESTS)('REDIS_URL that answers nothing at start', () => {
  let gateway: GatewayProcess | undefined;
  let redis: RedisServer | undefined;

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await redis?.stop();
  });

  it('starts and serves alone with one warning, then shares once Redis is up', async () => {
    const port = await freeLoopbackPort();
    gateway = await startGatewayProcess({ UPSTREAM_URL: '', REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}/0`, TAIL_POLL_MS: '1000' });
    const metric = async () => Number(/^gateway_redis_connected (\d)/m.exec(await (await request(`${gateway!.url}/metrics`)).body.text())?.[1]);
    expect((await request(`${gateway.url}/readyz`)).statusCode).toBe(200);
    const answer = await request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CALLER },
      body: JSON.stringify({ query: '{ auditLogs(first: 2) { nodes { auditLogId } } }' }),
    });
    expect(((await answer.body.json()) as { errors?: unknown }).errors).toBeUndefined();
    // Several attempts to reconnect later, still one warning.
    await sleep(4000);
    expect(await metric()).toBe(0);
    const warnings = () => gateway!.output.filter((line) => line.includes('Redis cannot be reached'));
    expect(warnings()).toHaveLength(1);
    expect(JSON.parse(warnings()[0]!)).toMatchObject({ level: 40, redis: `redis://127.0.0.1:${port}/0` });

    redis = await startRedisServer({ port, password: PASSWORD });
    await expect.poll(metric, { timeout: 20_000, interval: 100 }).toBe(1);
    expect(gateway.output.some((line) => line.includes('Redis is reachable again'))).toBe(true);
    // Sharing: a live tail's lease is in Redis while it is open.
    const tail = await subscribe(`${gateway.url}/graphql`, 'subscription { auditLogAdded { cursor } }', undefined, CALLER);
    const client = redis.client();
    await expect.poll(async () => (await client.keys('audit-gateway:v1:lease:*')).length, { timeout: 10_000, interval: 100 }).toBe(1);
    tail.close();
    expect(warnings()).toHaveLength(1);
    for (const line of gateway.output) expect(line).not.toContain(PASSWORD);
  });
});
