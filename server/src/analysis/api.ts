// The public contract of the shape analysis: what the CLI, the language server and the tests may rely on.
// Everything here is plain data (no editor types), so the analysis stays free of `vscode` and
// `vscode-languageserver`. Positions are 0-based lines and UTF-16 characters, as in LSP; the CLI adds 1.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

/** Where one side of a disagreement got its shape, for LSP `relatedInformation`. */
export interface RelatedInfo {
  message: string;
  range: Range;
  /** Absolute path when the location is in another file (a data file); absent means the analysed file. */
  file?: string;
}

export interface ShapeDiagnostic {
  /**
   * Stable code such as `shape-broadcast`, `shape-matmul`, `layer-input`, `fit-target`, `data-column`; never an
   * error: `input-skipped` (the file was not analysed), `analysis-incomplete` (part of it was not: deep nesting) and
   * `analysis-stopped` (the time or step budget ran out there; where depends on the machine's speed).
   */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related: RelatedInfo[];
}

/** File access for reading data files (CSV headers); the CLI and server pass the real file system. */
export interface AnalysisHost {
  readFile(path: string): string | undefined;
  /** Optional: the first `maxBytes` of a file, so that large data files are never read whole. */
  readFileHead?(path: string, maxBytes: number): string | undefined;
}

export interface AnalyzeInput {
  fileName: string;
  text: string;
  host?: AnalysisHost;
}

/** The inferred shape under a position, for hovers and caret tests. */
export interface ShapeInfo {
  /**
   * `[2, 4]`, `[batch, 10]`, `[?, 3]`; unknown rank is `?`. For a dataset, its element: tensors by shape, other
   * leaves by type, objects and arrays by their parts (`{xs: [32, 784], ys: [32, 10]}`, `[number, [3]]`).
   */
  text: string;
  dtype?: string;
  /** `value`: nothing is known about it, not even that it is a tensor; `unknownReason` says why. */
  kind: 'tensor' | 'symbolic' | 'layer' | 'model' | 'dataset' | 'value';
  /** Where the shape came from. */
  origin?: Range;
  /** Why the shape is unknown, when the analysis knows (`backbone` comes from `tf.loadLayersModel`). */
  unknownReason?: string;
}

export interface LayerSummary {
  name: string;
  type: string;
  outputShape: string;
  params: number;
  trainable: boolean;
  /** The parameters that train now (0 for a frozen layer; half of a BatchNormalization's). */
  trainableParams: number;
  /** For a nested model (type `Sequential` or `Model`), its own layers; the row itself is the whole model. */
  layers?: LayerSummary[];
}

export interface ModelSummary {
  name: string;
  /** The model's definition. */
  range: Range;
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  /** Set when the analysis cannot follow the model (`backbone` comes from `tf.loadLayersModel`); layers are then empty. */
  unknownReason?: string;
}

/** A model whose shapes the analysis could not follow, and why (`backbone` comes from `tf.loadLayersModel`). */
export interface UnknownModel {
  name: string;
  reason: string;
  range: Range;
}

/**
 * How much of a file the analysis really saw, so that a clean result can be told from a file of unknowns:
 * models built with known shapes or unknown (with the reason), and shape coverage, the share of
 * tensor-valued expressions whose every axis is known (a named size such as `batch` counts as known).
 */
export interface AnalysisStats {
  /** Models the analysis followed, with known output shapes. */
  modelsAnalysed: number;
  modelsUnknown: UnknownModel[];
  tensorExpressions: number;
  knownShapeExpressions: number;
  /** knownShapeExpressions / tensorExpressions; null when the file has no tensor-valued expression. */
  shapeCoverage: number | null;
}

/** One expression the analysis gave a shape, with its exact range (what `shapeAt` chooses among). */
export interface RecordedShape {
  range: Range;
  info: ShapeInfo;
}

export interface AnalysisResult {
  diagnostics: ShapeDiagnostic[];
  shapeAt(pos: Position): ShapeInfo | undefined;
  /**
   * Every recorded tensor, layer and model expression by its exact range, for tools that compare the analysis with
   * a real run of the program (`scripts/shapeOracle.ts`), where the innermost-expression rule of `shapeAt` would
   * answer for a sub-expression.
   */
  recordedShapes(): RecordedShape[];
  models: ModelSummary[];
  stats: AnalysisStats;
  /**
   * Set when the file was not analysed at all (binary, too large, unparsable nesting), saying why; the
   * diagnostics then hold one `input-skipped` warning. Editor features that parse the text themselves skip it too.
   */
  skipped?: string;
}
