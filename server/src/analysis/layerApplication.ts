// What applying a layer needs beyond its output shape: the factories of the layer families added
// with the whole-API coverage (3-D convolutions and pooling, RNN cells and `rnn`, convLstm2d, the
// preprocessing layers), the built-shape check of recurrent layers, the extra outputs a layer returns
// (`returnState` states, a Bidirectional layer's second direction with `mergeMode: null`), and the
// Bidirectional wrapper's own input spec. layers.ts applies layers; the rules are in the family files.

import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown } from './shapes';
import { LAYER_RULES, cfg } from './layerShapes';
import { type LayerState, stringOf } from './values';

/** Factory name in `tf.layers` → tfjs class name, for the families beyond the first set. */
export const MORE_LAYER_FACTORIES: Record<string, string> = {
  conv3d: 'Conv3D', conv3dTranspose: 'Conv3DTranspose',
  maxPooling3d: 'MaxPooling3D', averagePooling3d: 'AveragePooling3D', avgPool3d: 'AveragePooling3D', avgPooling3d: 'AveragePooling3D',
  rnn: 'RNN', simpleRNNCell: 'SimpleRNNCell', lstmCell: 'LSTMCell', gruCell: 'GRUCell', stackedRNNCells: 'StackedRNNCells',
  convLstm2d: 'ConvLSTM2D', convLstm2dCell: 'ConvLSTM2DCell',
  rescaling: 'Rescaling', centerCrop: 'CenterCrop', resizing: 'Resizing', categoryEncoding: 'CategoryEncoding', randomWidth: 'RandomWidth',
};

/** How tfjs prints a shape held in an InputSpec or a tensor (`${shape}`): nulls print empty. */
function specText(shape: Dim[]): string {
  return shape.map((d) => (isKnown(d) ? String(d) : '')).join(',');
}

/**
 * A built recurrent layer's spec is the whole shape `[null, null, inputDim]`: any other feature
 * size fails with tfjs's `expected shape=,,4, found shape=,5,6.`.
 */
export function checkBuiltShape(layer: LayerState, built: Dim[], shape: Dim[], axis: number): void {
  const at = (s: Dim[]) => s[axis < 0 ? s.length + axis : axis];
  if (built.length !== shape.length || !dimsDiffer(at(built), at(shape))) return;
  const spec = built.map((d, i) => (i === (axis < 0 ? built.length + axis : axis) ? d : null));
  throw new ShapeError('layer-input', `Input 0 is incompatible with layer ${layer.name}: expected shape=${specText(spec)}, found shape=${specText(shape)}.`, [
    { message: `${layer.name} is defined here`, node: layer.origin },
  ]);
}

/** `mergeMode` of a Bidirectional layer: 'concat' by default, null when written as `null`. */
export function mergeModeOf(layer: LayerState): string | null | undefined {
  const v = layer.config.props.get('mergeMode');
  if (!v || v.kind === 'undefined') return 'concat';
  if (v.kind === 'null') return null;
  return stringOf(v);
}

/** Bidirectional takes its inner layer's input spec, reported under the wrapper's own name. */
export function checkBidirectionalInput(layer: LayerState, inner: LayerState, shape: Dim[]): void {
  const ndim = LAYER_RULES[inner.className]?.spec?.(inner.config).ndim;
  if (ndim !== undefined && shape.length !== ndim) {
    throw new ShapeError('layer-input', `Input 0 is incompatible with layer ${layer.name}: expected ndim=${ndim}, found ndim=${shape.length}`, [
      { message: `${layer.name} is defined here`, node: layer.origin },
    ]);
  }
}

/**
 * The outputs after the first: recurrent states with `returnState`, and for a Bidirectional layer
 * the backward output (mergeMode null) and both directions' states. Undefined for one output.
 */
export function extraOutputShapes(layer: LayerState, input: Dim[]): Shape[] | undefined {
  if (layer.className === 'Bidirectional') {
    const innerValue = cfg(layer.config, 'layer');
    if (!innerValue || innerValue.kind !== 'layer') return undefined;
    const inner = innerValue.layer;
    const states = LAYER_RULES[inner.className]?.extraOutputs?.(inner.config, input) ?? [];
    const backward = mergeModeOf(layer) === null ? [inner.outputShape ?? null] : [];
    const extras = [...backward, ...states, ...states];
    return extras.length > 0 ? extras : undefined;
  }
  return LAYER_RULES[layer.className]?.extraOutputs?.(layer.config, input);
}
