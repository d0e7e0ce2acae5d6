// The path diagram (SVG) of a flow's example: well-formed XML, every hop in order in its lane,
// exactly the dropping hop highlighted with its rule, stateful passes marked, nothing active or
// external, every text escaped; and `vpcrules explain --svg`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { pathDiagram } from '../server/src/engine/diagram';
import type { FlowResult } from '../server/src/engine/evaluate';
import { hopTitle, ruleName } from '../server/src/engine/explain';

const ROOT = join(__dirname, '..', '..');

function flowOf(file: string, name: string): FlowResult {
  const analysis = analyze(readFileSync(join(ROOT, file), 'utf8'));
  const result = analysis.flows.find((flow) => flow.flow.name === name);
  assert.ok(result, `${file} has flow ${name}`);
  return result;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]);

/**
 * A small well-formedness check: one root element, tags nested and closed, attribute values quoted
 * without `<`, and every `&` the start of a known entity (no DTD, no CDATA: the diagram uses neither).
 */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  const entity = /&(?:amp|lt|gt|quot|#39|#\d+|#x[0-9a-fA-F]+);/y;
  const checkText = (text: string) => {
    for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
      entity.lastIndex = i;
      assert.ok(entity.test(text), `a bare & in ${JSON.stringify(text.slice(i, i + 20))}`);
    }
  };
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0) assert.match(text, /^\s*$/, 'text outside the root element');
    checkText(text);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const match = tag.exec(xml);
    assert.ok(match, `a malformed tag at ${JSON.stringify(xml.slice(lt, lt + 40))}`);
    const [whole, closing, name, attributes, selfClosing] = match;
    checkText(attributes);
    const names = [...attributes.matchAll(/([\w:.-]+)=/g)].map((m) => m[1]);
    assert.equal(new Set(names).size, names.length, `a repeated attribute in ${whole}`);
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes another element`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
    i = lt + whole.length;
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.equal(roots, 1, 'one root element');
}

/** The boxes of the diagram in document order: their class, lane and text, lines joined by spaces. */
function boxesOf(svg: string): { kind: string; lane: string; text: string }[] {
  return [...svg.matchAll(/<g class="hop (\w+)" data-lane="(\w+)">([\s\S]*?)<\/g>/g)].map(([, kind, lane, body]) => ({
    kind, lane, text: unescape([...body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ')),
  }));
}

function assertSafe(svg: string): void {
  assert.doesNotMatch(svg, /<script/i);
  assert.doesNotMatch(svg, /href/i);
  assert.doesNotMatch(svg, /url\((?!#)/);
  assert.doesNotMatch(svg, /@import/);
  assert.doesNotMatch(svg, /<foreignObject/i);
}

/** Checks the boxes against the result's hops: each lane in order, exactly the dropping hop highlighted. */
function assertHops(result: FlowResult, svg: string): void {
  const boxes = boxesOf(svg);
  const step = (text: string) => Number(/^(\d+)\. /.exec(text)?.[1]);
  for (const lane of ['request', 'reply'] as const) {
    const hops = result.hops.filter((hop) => hop.phase === lane);
    const numbered = boxes.filter((box) => box.lane === lane && /^\d+\. /.test(box.text));
    assert.deepEqual(numbered.map((box) => step(box.text)), hops.map((hop) => hop.step), `${lane} hops in order`);
    numbered.forEach((box, k) => {
      const title = hopTitle(hops[k]).replace(/ \(reply\)$/, '');
      if (title.length <= 80) assert.ok(box.text.startsWith(title), `${JSON.stringify(box.text)} starts with ${JSON.stringify(title)}`);
    });
  }
  const dropping = result.trace.filter((s) => s.action === 'deny');
  const highlighted = boxes.filter((box) => box.kind === 'drop');
  assert.equal(highlighted.length, dropping.length, 'exactly the dropping hop is highlighted');
  assert.ok(dropping.length <= 1);
  if (dropping.length === 1) {
    assert.equal(step(highlighted[0].text), dropping[0].hop.step);
    assert.match(highlighted[0].text, /drops the (witness|example)/);
    const rule = ruleName(dropping[0]);
    if (rule.length < 90) assert.ok(highlighted[0].text.replace(/ /g, '').includes(rule.replace(/ /g, '')), `${highlighted[0].text} names ${rule}`);
  }
}

describe('path diagram', () => {
  it('(the well-formedness check rejects malformed XML)', () => {
    for (const bad of ['<svg><g></svg>', '<svg>a & b</svg>', '<svg x=1></svg>', '<svg></svg><svg></svg>', '<svg><text>a < b</text></svg>', '<svg a="1" a="2"/>']) {
      assert.throws(() => assertWellFormed(bad), assert.AssertionError, bad);
    }
    assertWellFormed('<svg a="1"><g><text>a &amp; b &#39;</text></g><rect/></svg>\n');
  });

  const cases: [string, string, string][] = [
    ['examples/ecommerce-tcp.vpcrules', 'https', 'partial'],
    ['examples/inspection-vpc.vpcrules', 'partner-sftp', 'deny'],
    ['examples/nat-return-gotcha.vpcrules', 'updates', 'deny'],
    ['examples/ecommerce-tcp.vpcrules', 'web-app-a', 'allow'],
  ];
  for (const [file, name, verdict] of cases) {
    it(`${file} ${name}: well-formed, safe, hops in order, the dropping hop alone highlighted`, () => {
      const result = flowOf(file, name);
      assert.equal(result.verdict, verdict);
      const svg = pathDiagram(result);
      assertWellFormed(svg);
      assertSafe(svg);
      assertHops(result, svg);
      assert.match(svg, new RegExp(`flow ${name}: `));
      assert.match(svg, new RegExp(`verdict <tspan class="verdict-\\w+">${verdict}</tspan>, expected ${result.flow.expect}`));
      assert.equal(pathDiagram(result), svg, 'deterministic');
    });
  }

  it('marks the security groups the reply passes on connection tracking', () => {
    const boxes = boxesOf(pathDiagram(flowOf('examples/ecommerce-tcp.vpcrules', 'web-app-a')));
    const stateful = boxes.filter((box) => box.kind === 'stateful');
    assert.deepEqual(stateful.map((box) => [box.lane, box.text.split(' passes')[0]]), [
      ['reply', 'security groups of app-1, outbound stateful:'],
      ['reply', 'security groups of web-1, inbound stateful:'],
    ]);
  });

  it('marks a firewall stateful stage that passes the reply on state', () => {
    const result = flowOf('examples/inspection-vpc.vpcrules', 'payments');
    const boxes = boxesOf(pathDiagram(result));
    assert.ok(boxes.some((box) => box.kind === 'stateful' && box.lane === 'reply' && /firewall \S+ stateful/.test(box.text) && /passes on state/.test(box.text)),
      boxes.map((box) => `${box.kind} ${box.text}`).join('\n'));
  });

  it('escapes the text of rules: a description with <, &, > and quotes', () => {
    const model = `vpc lab 10.0.0.0/16
subnet web 10.0.1.0/24
security-group web {
  inbound tcp 443 from 0.0.0.0/0 "a <b> & 'c' <script>"
}
instance web-1 subnet web ip 10.0.1.10 groups web
flow https internet -> web-1 tcp 443 expect deny
`;
    const result = analyze(model).flows[0];
    assert.equal(result.verdict, 'allow');
    const svg = pathDiagram(result);
    assertWellFormed(svg);
    assertSafe(svg);
    assert.match(svg, /&lt;b&gt;/);
    assert.match(svg, /&amp; &#39;c&#39;/);
    assert.match(svg, /&lt;script&gt;/);
    assert.ok(boxesOf(svg).some((box) => box.text.includes(`a <b> & 'c' <script>`)));
  });

  it('draws no reply lane for a one-way flow', () => {
    const model = `vpc lab 10.0.0.0/16
subnet web 10.0.1.0/24
security-group web {
  inbound udp 514 from 0.0.0.0/0
}
instance web-1 subnet web ip 10.0.1.10 groups web
flow logs internet -> web-1 udp 514 oneway expect allow
`;
    const result = analyze(model).flows[0];
    assert.equal(result.verdict, 'allow');
    const svg = pathDiagram(result);
    assertWellFormed(svg);
    assertHops(result, svg);
    assert.deepEqual(boxesOf(svg).map((box) => box.lane), result.hops.map(() => 'request'));
    assert.match(svg, /no reply judged/);
  });

  it('vpcrules explain --svg prints the diagram', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'server', 'bin', 'vpcrules.js'), 'explain', '--svg', 'examples/ecommerce-tcp.vpcrules', 'https'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 1, 'the expectation fails');
    assert.ok(result.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assertWellFormed(result.stdout);
    assert.equal(result.stdout.trimEnd(), pathDiagram(flowOf('examples/ecommerce-tcp.vpcrules', 'https')).trimEnd());
  });
});
