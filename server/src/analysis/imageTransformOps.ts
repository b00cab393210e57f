// Shape rules of the `tf.image` ops beyond resizing and flips (those are in convOps.ts): cropAndResize,
// rotateWithOffset, threshold, transform, and the non-max-suppression family, whose selected count
// depends on the scores and so is unknown unless the result is padded to a known size. The checks and
// messages are those of tfjs-core's ops and its nonMaxSuppSanityCheck; a rule throws `ShapeError` only
// when the shapes involved are known to contradict.

import type * as ts from 'typescript';
import { type Dim, type Shape, ShapeError, dimsDiffer, isKnown, tfjsShape } from './shapes';
import { type OpFn, related, shapeOf } from './tensorOps';
import { type Value, numberOf, objectOf, shapeArgOf, tensor, truthiness } from './values';

/** tfjs asserts on `image.rank === 4` with the op's name and no space after the comma. */
function checkImageRank(op: string, image: Shape, rank = 4): void {
  if (image && image.length !== rank) {
    throw new ShapeError('shape-rank', `Error in ${op}: image must be rank ${rank},but got rank ${image.length}.`);
  }
}

/** `tf.image.cropAndResize(image, boxes, boxInd, cropSize)`: one [cropH, cropW] crop per box. */
function cropAndResize(args: Value[], node: ts.Node): Value {
  const image = shapeOf(args[0]);
  const boxes = shapeOf(args[1]);
  const boxInd = shapeOf(args[2]);
  const cropSize = shapeArgOf(args[3]);
  const numBoxes: Dim = boxes ? (boxes[0] ?? null) : null;
  // tfjs prints `undefined` for the box count of a scalar `boxes`.
  const shownBoxes = boxes && boxes.length === 0 ? 'undefined' : tfjsShape([numBoxes]);
  checkImageRank('cropAndResize', image);
  if (boxes && (boxes.length !== 2 || dimsDiffer(boxes[1], 4))) {
    throw new ShapeError(
      boxes.length !== 2 ? 'shape-rank' : 'shape-axis',
      `Error in cropAndResize: boxes must be have size [${shownBoxes},4] but had shape ${tfjsShape(boxes)}.`,
      related('boxes', args[1]),
    );
  }
  if (boxInd && (boxInd.length !== 1 || dimsDiffer(boxInd[0], numBoxes))) {
    // tfjs shows the boxes' shape here, not boxInd's.
    throw new ShapeError(
      boxInd.length !== 1 ? 'shape-rank' : 'shape-axis',
      `Error in cropAndResize: boxInd must be have size [${shownBoxes}] but had shape ${boxes ? tfjsShape(boxes) : '?'}.`,
      related('boxInd', args[2]),
    );
  }
  if (cropSize && cropSize.length !== 2) {
    throw new ShapeError('shape-rank', `Error in cropAndResize: cropSize must be of length 2, but got length ${cropSize.length}.`);
  }
  if (cropSize && cropSize.some((d) => isKnown(d) && d < 1)) {
    throw new ShapeError('shape-axis', `cropSize must be atleast [1,1], but was ${tfjsShape(cropSize)}`);
  }
  return tensor([numBoxes, cropSize?.[0] ?? null, cropSize?.[1] ?? null, image?.[3] ?? null], node, 'float32');
}

/** `tf.image.rotateWithOffset(image, radians)`: the batch of images keeps its shape. */
function rotateWithOffset(args: Value[], node: ts.Node): Value {
  const image = shapeOf(args[0]);
  checkImageRank('rotateWithOffset', image);
  return tensor(image, node, 'float32');
}

/** `tf.image.threshold(image)`: one rank-3 image, RGB or gray, to one int32 channel of 0 or 255. */
function threshold(args: Value[], node: ts.Node): Value {
  const image = shapeOf(args[0]);
  checkImageRank('threshold', image, 3);
  const channels = image?.[2] ?? null;
  if (isKnown(channels) && channels !== 3 && channels !== 1) {
    throw new ShapeError('shape-axis', `Error in threshold: image color channel must be equal to 3 or 1but got ${channels}.`, related('image', args[0]));
  }
  return tensor(image ? [image[0], image[1], 1] : [null, null, 1], node, 'int32');
}

/** `tf.image.transform(image, transforms, interpolation, fillMode, fillValue, outputShape?)`. */
function transform(args: Value[], node: ts.Node): Value {
  const image = shapeOf(args[0]);
  const transforms = shapeOf(args[1]);
  checkImageRank('transform', image);
  const batch = image?.[0] ?? null;
  if (transforms && (transforms.length !== 2 || (dimsDiffer(transforms[0], batch) && dimsDiffer(transforms[0], 1)) || dimsDiffer(transforms[1], 8))) {
    throw new ShapeError('shape-axis', 'Error in transform: Input transform should be batch x 8 or 1 x 8', related('transforms', args[1]));
  }
  const outputArg = args[5];
  const given = outputArg && outputArg.kind !== 'undefined' && outputArg.kind !== 'null';
  const outputShape = given ? shapeArgOf(outputArg) : null;
  if (outputShape && outputShape.length !== 2) {
    throw new ShapeError('shape-rank', `Error in transform: outputShape must be [height, width] or null, but got ${tfjsShape(outputShape)}.`);
  }
  const [height, width]: Dim[] = given ? (outputShape ?? [null, null]) : [image?.[1] ?? null, image?.[2] ?? null];
  return tensor([batch, height, width, image?.[3] ?? null], node, 'float32');
}

/** The shape half of tfjs `nonMaxSuppSanityCheck`: [numBoxes, 4] boxes and numBoxes scores. */
function checkBoxesAndScores(args: Value[]): void {
  const boxes = shapeOf(args[0]);
  const scores = shapeOf(args[1]);
  if (boxes && boxes.length !== 2) throw new ShapeError('shape-rank', `boxes must be a 2D tensor, but was of rank '${boxes.length}'`);
  if (boxes && dimsDiffer(boxes[1], 4)) {
    throw new ShapeError('shape-axis', `boxes must have 4 columns, but 2nd dimension was ${boxes[1]}`, related('boxes', args[0]));
  }
  if (scores && scores.length !== 1) throw new ShapeError('shape-rank', 'scores must be a 1D tensor');
  if (boxes && scores && dimsDiffer(scores[0], boxes[0])) {
    throw new ShapeError('shape-axis', `scores has incompatible shape with boxes. Expected ${boxes[0]}, but was ${scores[0]}`, related('scores', args[1]));
  }
}

/** nonMaxSuppression(Async): the indices of the boxes kept, as many as the scores allow. */
function nonMaxSuppression(args: Value[], node: ts.Node): Value {
  checkBoxesAndScores(args);
  return tensor([null], node, 'int32');
}

/**
 * nonMaxSuppressionPadded(Async): `{selectedIndices, validOutputs}`. Padded (the sixth argument), the
 * indices have min(maxOutputSize, numBoxes) entries, never fewer than none.
 */
function nonMaxSuppressionPadded(args: Value[], node: ts.Node): Value {
  checkBoxesAndScores(args);
  const boxes = shapeOf(args[0]);
  const maxOutputSize = numberOf(args[2]);
  const numBoxes = boxes?.[0] ?? null;
  let count: Dim = null;
  if (args[5] && truthiness(args[5]) === true && maxOutputSize !== undefined) {
    count = isKnown(numBoxes) ? Math.max(0, Math.min(maxOutputSize, numBoxes)) : maxOutputSize <= 0 ? 0 : null;
  }
  return objectOf({ selectedIndices: tensor([count], node, 'int32'), validOutputs: tensor([], node, 'int32') });
}

/** nonMaxSuppressionWithScore(Async): `{selectedIndices, selectedScores}` of one unknown length. */
function nonMaxSuppressionWithScore(args: Value[], node: ts.Node): Value {
  checkBoxesAndScores(args);
  return objectOf({ selectedIndices: tensor([null], node, 'int32'), selectedScores: tensor([null], node, 'float32') });
}

/** Merged into `tf.image` over convOps.ts's members (nonMaxSuppression gains the box checks). */
export const IMAGE_TRANSFORM_OPS: Record<string, OpFn> = {
  cropAndResize,
  rotateWithOffset,
  threshold,
  transform,
  nonMaxSuppression,
  nonMaxSuppressionAsync: nonMaxSuppression,
  nonMaxSuppressionPadded,
  nonMaxSuppressionPaddedAsync: nonMaxSuppressionPadded,
  nonMaxSuppressionWithScore,
  nonMaxSuppressionWithScoreAsync: nonMaxSuppressionWithScore,
};
