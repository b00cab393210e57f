// How tensors read in js-debug's Variables pane, hovers and watch when a cell is debugged: `Tensor [5,64,64,3]
// float32` instead of `Tensor {kept: false, isDisposedInternal: false, shape: Array(4)…}`, with the values one
// expand away. Both are js-debug launch options (`customDescriptionGenerator`, `customPropertiesGenerator`) whose
// source js-debug runs inside the kernel process for every object it shows, so they are plain JavaScript text
// that refers to nothing outside itself, recognises a tfjs tensor by its own fields (whatever copy of tfjs made
// it) and gives every other object back untouched.

/**
 * The description: runs under V8's side-effect check (js-debug asks for `throwOnSideEffect`), so it reads fields
 * and builds a string with no calls into the tensor.
 */
export const TENSOR_DESCRIPTION_GENERATOR = `function (defaultValue) {
  const t = this;
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || typeof t.dtype !== 'string' || typeof t.dataId !== 'object' || typeof t.id !== 'number' || typeof t.dataSync !== 'function') return defaultValue;
  let dims = '';
  for (let i = 0; i < t.shape.length; i++) dims += (i ? ',' : '') + t.shape[i];
  const kind = typeof t.trainable === 'boolean' ? 'Variable' + (typeof t.name === 'string' ? ' ' + t.name : '') : 'Tensor';
  return kind + ' [' + dims + '] ' + t.dtype + (t.isDisposedInternal ? ' (disposed)' : '');
}`;

/** Values shown in full up to this many elements; a larger tensor shows its first elements, flat. */
export const TENSOR_VALUES_SHOWN = 10_000;

/**
 * The properties: the values (nested like the tensor, or the first elements of a large one), shape, dtype, size and
 * tfjs's own fields. Reading the values syncs the backend, which is fine where the program is paused anyway.
 */
export const TENSOR_PROPERTIES_GENERATOR = `function () {
  const t = this;
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || typeof t.dtype !== 'string' || typeof t.dataId !== 'object' || typeof t.id !== 'number' || typeof t.dataSync !== 'function' || t.isDisposedInternal) return this;
  const out = {};
  try {
    if (t.size <= ${TENSOR_VALUES_SHOWN}) out.values = t.arraySync();
    else out['values (first 1000 of ' + t.size + ', flat)'] = Array.from(t.dataSync().subarray(0, 1000));
  } catch (e) {
    out.values = 'unreadable: ' + (e && e.message ? e.message : String(e));
  }
  out.shape = t.shape;
  out.dtype = t.dtype;
  out.size = t.size;
  out['tfjs fields'] = Object.assign({}, t);
  return out;
}`;
