/**
 * The gateway's own counting, as prom-client's registry exposes it: the same text prom-client's Counter and
 * Histogram would give for the same updates.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricFamily } from '../../../src/server/plugins/metric-families.js';

const buckets = [0.01, 0.1, 1];
const observations = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 7];

describe('MetricFamily', () => {
  it('exposes a histogram as prom-client does: value = bound counts in that bucket, cumulative, +Inf, sum, count', async () => {
    const ours = new Registry();
    const family = new MetricFamily(ours, {
      type: 'histogram',
      name: 'd_seconds',
      help: 'h',
      labelNames: ['operation_id'],
      buckets,
    });
    const theirs = new Registry();
    const histogram = new Histogram({
      name: 'd_seconds',
      help: 'h',
      labelNames: ['operation_id'],
      buckets,
      registers: [theirs],
    });
    for (const value of observations) {
      family.of('listClusters').observe(value);
      histogram.observe({ operation_id: 'listClusters' }, value);
    }
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((line) => !line.startsWith('#'))
        .sort();
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
    expect(await ours.metrics()).toContain('d_seconds_bucket{le="0.01",operation_id="listClusters"} 2');
    expect(await ours.metrics()).toContain('d_seconds_bucket{le="+Inf",operation_id="listClusters"} 7');
  });

  it('keeps a series per label set, and counters and gauges as prom-client does', async () => {
    const ours = new Registry();
    const counter = new MetricFamily(ours, { type: 'counter', name: 'c_total', help: 'h', labelNames: ['a', 'b'] });
    const gauge = new MetricFamily(ours, { type: 'gauge', name: 'g', help: 'h', labelNames: ['a'] });
    const theirs = new Registry();
    const theirCounter = new Counter({ name: 'c_total', help: 'h', labelNames: ['a', 'b'], registers: [theirs] });
    counter.of('x', 'y').inc();
    counter.of('x', 'y').inc(2);
    counter.of('x', 'z').inc();
    theirCounter.inc({ a: 'x', b: 'y' }, 3);
    theirCounter.inc({ a: 'x', b: 'z' });
    gauge.of('x').set(5);
    gauge.of('x').set(4);
    const text = await ours.metrics();
    expect(text).toContain('c_total{a="x",b="y"} 3');
    expect(text).toContain('g{a="x"} 4');
    expect(text).toContain('# TYPE c_total counter');
    expect(text.split('\n\n')[0]).toBe((await theirs.metrics()).trim());
  });
});
