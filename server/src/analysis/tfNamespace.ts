// Assembles the abstract `tf` namespace a file imports: tensor creation, ops (tensorOps.ts,
// convOps.ts), `tf.image`, `tf.layers` factories, `tf.sequential`/`tf.model`/`tf.input`,
// `tf.data`, and `tf.tidy` (which returns its callback's value). Names it does not know are unknown
// values, so unmodelled APIs never produce diagnostics.

import type { Evaluator } from './evaluator';
import { CONV_OPS, IMAGE_OPS, decodedImage } from './convOps';
import { createDataNamespace } from './datasets';
import { LAYER_FACTORIES, layerFactory } from './layers';
import { createFunctional, createInput, createLoadedModel, createSequential } from './models';
import { eye, fromShapeArgument, likeTensor, linspace, makeTensor, multinomial, oneHot, range, scalar } from './tensorCreation';
import { type OpFn, TENSOR_OPS, confusionMatrix } from './tensorOps';
import { INDEXING_OPS, SIGNAL_OPS } from './indexingOps';
import { FAMILY_OPS, NAMESPACED_FAMILY_OPS } from './opFamilies';
import { createLossNamespaces } from './lossOps';
import { createGradientFunctions } from './gradients';
import { type Value, UNDEFINED, UNKNOWN, namespace, native, tensor } from './values';

function op(name: string, fn: OpFn): Value {
  return native(`tf.${name}`, (c) => (c.argsComplete ? fn(c.args, c.node, c) : tensor(null, c.node)));
}

export function createTfNamespace(ev: Evaluator): Value {
  const props: Record<string, Value> = {};
  for (const [name, fn] of Object.entries({ ...TENSOR_OPS, ...INDEXING_OPS, ...CONV_OPS, ...FAMILY_OPS })) props[name] = op(name, fn);
  props.tensor = op('tensor', (args, node) => makeTensor(args, node));
  for (let rank = 1; rank <= 6; rank++) props[`tensor${rank}d`] = op(`tensor${rank}d`, (args, node) => makeTensor(args, node, rank));
  props.scalar = op('scalar', scalar);
  props.zeros = op('zeros', (a, n) => fromShapeArgument(a, n, 1));
  props.ones = op('ones', (a, n) => fromShapeArgument(a, n, 1));
  props.fill = op('fill', (a, n) => fromShapeArgument(a, n, 2));
  props.randomNormal = op('randomNormal', (a, n) => fromShapeArgument(a, n, 3));
  props.randomStandardNormal = op('randomStandardNormal', (a, n) => fromShapeArgument(a, n, 1));
  props.truncatedNormal = op('truncatedNormal', (a, n) => fromShapeArgument(a, n, 3));
  props.randomUniform = op('randomUniform', (a, n) => fromShapeArgument(a, n, 3));
  props.randomGamma = op('randomGamma', (a, n) => fromShapeArgument(a, n, 4));
  props.randomUniformInt = op('randomUniformInt', (a, n) => fromShapeArgument(a, n, 99));
  props.multinomial = op('multinomial', multinomial);
  props.zerosLike = op('zerosLike', likeTensor);
  props.onesLike = op('onesLike', likeTensor);
  props.linspace = op('linspace', linspace);
  props.range = op('range', range);
  props.eye = op('eye', eye);
  props.oneHot = op('oneHot', oneHot);
  props.image = namespace('tf.image', Object.fromEntries(Object.entries(IMAGE_OPS).map(([k, f]) => [k, op(`image.${k}`, f)])));
  props.signal = namespace('tf.signal', Object.fromEntries(Object.entries(SIGNAL_OPS).map(([k, f]) => [k, op(`signal.${k}`, f)])));
  for (const [ns, ops] of Object.entries(NAMESPACED_FAMILY_OPS)) {
    const existing = props[ns]?.kind === 'native' ? Object.fromEntries(props[ns].props ?? []) : {};
    props[ns] = namespace(`tf.${ns}`, { ...existing, ...Object.fromEntries(Object.entries(ops).map(([k, f]) => [k, op(`${ns}.${k}`, f)])) });
  }
  props.browser = namespace('tf.browser', {
    fromPixels: op('browser.fromPixels', decodedImage(1, 3)),
    fromPixelsAsync: op('browser.fromPixelsAsync', decodedImage(1, 3)),
  });
  props.node = namespace('tf.node', {
    decodeImage: op('node.decodeImage', decodedImage(1, null)),
    decodeJpeg: op('node.decodeJpeg', decodedImage(1, null)),
    decodePng: op('node.decodePng', decodedImage(1, null)),
  });
  props.tidy = native('tf.tidy', (c) => {
    const fn = c.args.find((a) => a.kind === 'function' || a.kind === 'native');
    return fn ? c.invoke(fn, []) : UNKNOWN;
  });
  props.dispose = native('tf.dispose', () => UNDEFINED);
  props.setBackend = native('tf.setBackend', () => UNKNOWN);
  props.ready = native('tf.ready', () => UNDEFINED);
  props.sequential = native('tf.sequential', (c) => createSequential(ev, c));
  props.model = native('tf.model', (c) => createFunctional(ev, c));
  props.input = native('tf.input', (c) => createInput(ev, c));
  props.loadLayersModel = native('tf.loadLayersModel', (c) => createLoadedModel(ev, c, 'tf.loadLayersModel'));
  props.loadGraphModel = native('tf.loadGraphModel', (c) => createLoadedModel(ev, c, 'tf.loadGraphModel'));
  const layers: Record<string, Value> = { input: props.input };
  for (const [factory, className] of Object.entries(LAYER_FACTORIES)) layers[factory] = layerFactory(ev, className);
  props.layers = namespace('tf.layers', layers);
  props.data = createDataNamespace(ev);
  Object.assign(props, createLossNamespaces(), createGradientFunctions(ev));
  props.math = namespace('tf.math', { confusionMatrix: op('math.confusionMatrix', confusionMatrix) });
  return namespace('tf', props);
}
