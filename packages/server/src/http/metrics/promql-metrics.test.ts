import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricNames, variableMetric } from './promql-metrics.ts';

describe('metric names in PromQL', () => {
  it('finds metrics, not functions, labels, strings, ranges or keywords', () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(poms_http_request_duration_seconds_bucket{status="5xx", route=~"a_b"}[$__rate_interval])))',
      ),
      ['poms_http_request_duration_seconds_bucket'],
    );
    assert.deepEqual(
      metricNames(
        'sum(rate(poms_a_total[5m])) / on (job) group_left (x) sum without (instance) (poms_b) > bool 1e3 offset 5m',
      ),
      ['poms_a_total', 'poms_b'],
    );
    assert.deepEqual(metricNames('max(poms_executor_queue_submissions) or vector(0)'), [
      'poms_executor_queue_submissions',
    ]);
    assert.deepEqual(metricNames('up'), ['up']);
  });

  it("reads a variable's label_values metric", () => {
    assert.equal(variableMetric('label_values(poms_submissions, experiment)'), 'poms_submissions');
    assert.equal(variableMetric('label_values(experiment)'), undefined);
  });
});
