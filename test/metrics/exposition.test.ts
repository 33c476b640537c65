import t from 'tap';
import { exposedValue, formatValue, render } from '../../src/metrics/exposition.js';
import { family, parseLabels, renderLabels, set } from '../../src/metrics/series.js';

t.test('labels: empty values are left out, values escaped', async (t) => {
  t.equal(renderLabels([]), '');
  t.equal(renderLabels([['a', ''], ['b', '']]), '');
  t.equal(renderLabels([['model', 'x'], ['tier', ''], ['route', 'global']]), '{model="x",route="global"}');
  t.equal(renderLabels([['v', 'a"b\\c\nd']]), '{v="a\\"b\\\\c\\nd"}');
});

t.test('a rendered label set parses back to its labels', async (t) => {
  const labels: Array<[string, string]> = [['model', 'x'], ['v', 'a"b\\c\nd'], ['w', '\\n,b="y"'], ['z', 'é→Ω']];
  t.same(parseLabels(renderLabels(labels)), labels);
  t.same(parseLabels(''), []);
});

t.test('set replaces a series; families render sorted with their type', async (t) => {
  const f = family('x_total', 'help', 'counter');
  set(f, [['a', '2'], ['b', '']], 5);
  set(f, [['a', '1']], 0.1 + 0.2);
  set(f, [['a', '2']], 7);
  t.equal(f.series.size, 2);
  t.equal(await render([f]), '# HELP x_total help\n# TYPE x_total counter\nx_total{a="1"} 0.3\nx_total{a="2"} 7\n');
});

t.test('values: integers plain, binary noise removed, specials spelled as Prometheus does', async (t) => {
  t.equal(formatValue(1_234_567_890_123), '1234567890123');
  t.equal(formatValue(0.1 + 0.2), '0.3');
  t.equal(formatValue(-12.5), '-12.5');
  t.equal(formatValue(1e-9), '1e-9');
  t.equal(formatValue(Number.NaN), 'NaN');
  t.equal(formatValue(Number.POSITIVE_INFINITY), '+Inf');
  t.equal(formatValue(Number.NEGATIVE_INFINITY), '-Inf');
});

t.test('values keep 15 significant digits, as toPrecision(15) would, at every magnitude and sign', async (t) => {
  const significant = (value: number) => value.toExponential().replace(/^-|e.*$|\./g, '').length;
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  let ties = 0;
  const wrong: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    const exponent = Math.floor(random() * 44) - 22;
    const value = (random() - 0.3) * 10 ** exponent + (i % 3 === 0 ? 0.1 + 0.2 : 0);
    const rounded = exposedValue(value);
    const expected = Number.isInteger(value) ? value : Number(value.toPrecision(15));
    if (rounded === expected) continue;
    // Only where the 16th digit is a 5: one unit apart in the 15th, both clean decimals.
    ties++;
    if (!(significant(rounded) <= 15 && Math.abs(rounded - expected) <= Math.abs(expected) * 1.01e-14)) wrong.push(`${value}: ${rounded}, not ${expected}`);
  }
  t.same(wrong.slice(0, 5), []);
  t.ok(ties < 200_000 / 10, `${ties} ties`);
  for (const edge of [1e15 - 0.5, 999_999_999_999_999.9, 0.999999999999999_9, 1e-7 * 3, 1e21 + 12345, -5e-324, 1.5e-300 / 7, 0.3 - 1e-17])
    t.equal(exposedValue(edge), Number(edge.toPrecision(15)), `${edge}`);
  t.equal(exposedValue(-(0.1 + 0.2)), -0.3);
});

t.test('help text is escaped and families render in order', async (t) => {
  const a = family('a', 'line one\nback\\slash');
  const b = family('b', 'b');
  set(b, [], 1);
  t.equal(await render([a, b]), '# HELP a line one\\nback\\\\slash\n# TYPE a gauge\n# HELP b b\n# TYPE b gauge\nb 1\n');
});

t.test('rendering yields to the event loop when it runs long', async (t) => {
  const { Pacer } = await import('../../src/pacer.js');
  const f = family('big', 'many series');
  for (let i = 0; i < 50_000; i++) set(f, [['i', String(i)]], i);
  const pacer = new Pacer(0);
  const text = await render([f], pacer);
  t.equal(text.split('\n').length, 50_000 + 3);
  t.ok(pacer.pauses > 100, `paused ${pacer.pauses} times`);
});
