/**
 * The counters, gauges and histograms an operation or an Atlas call updates, counted by the gateway and
 * read by prom-client's registry at scrape time (it formats them with the process metrics and its own
 * gauges). prom-client's own `inc`/`observe` validate and hash the label object on every call, and a
 * histogram turns the bucket's bound into a property key each time: on the single-resource query those
 * calls were the largest part of what metrics cost (bench/README.md, part f). Here a label set is looked up
 * once per update by its values, and a histogram counts into an array.
 *
 * A family hands the registry what prom-client's own metrics hand it (`get()`: name, help, type, and
 * samples with labels), so the exposition is prom-client's.
 */
import type { Registry } from 'prom-client';

type Kind = 'counter' | 'gauge' | 'histogram';

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** The figures of one label set. */
export class Series {
  value = 0;
  sum = 0;
  count = 0;
  /** Histograms: observations per bucket (not cumulative), the last one above every bound. */
  readonly buckets: number[];

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = bounds.length ? new Array<number>(bounds.length + 1).fill(0) : [];
  }

  inc(by = 1): void {
    this.value += by;
  }

  set(value: number): void {
    this.value = value;
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket++;
    this.buckets[bucket]!++;
  }
}

export interface FamilyOptions {
  type: Kind;
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Histograms: the buckets' upper bounds, ascending. */
  buckets?: readonly number[];
}

export class MetricFamily {
  readonly aggregator = 'sum';
  readonly type: Kind;
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly string[];
  private readonly bounds: readonly number[];
  private readonly series = new Map<string, Series>();

  constructor(registry: Registry, options: FamilyOptions) {
    ({ type: this.type, name: this.name, help: this.help, labelNames: this.labelNames } = options);
    this.bounds = options.type === 'histogram' ? (options.buckets ?? []) : [];
    // The registry reads any metric through get(), name, help and type; its types list only its own classes.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The series of these label values (in `labelNames` order), made on first use. */
  of(...values: string[]): Series {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
      series = new Series(labels, this.bounds);
      this.series.set(key, series);
    }
    return series;
  }

  reset(): void {
    this.series.clear();
  }

  get(): { name: string; help: string; type: Kind; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    for (const series of this.series.values()) {
      if (this.type !== 'histogram') {
        values.push({ value: series.value, labels: series.labels });
        continue;
      }
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.buckets[i]!;
        values.push({ metricName: `${this.name}_bucket`, value: cumulative, labels: { le: bound, ...series.labels } });
      });
      values.push(
        { metricName: `${this.name}_bucket`, value: series.count, labels: { le: '+Inf', ...series.labels } },
        { metricName: `${this.name}_sum`, value: series.sum, labels: series.labels },
        { metricName: `${this.name}_count`, value: series.count, labels: series.labels },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
