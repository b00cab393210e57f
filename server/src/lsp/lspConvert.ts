// Converts the analysis' plain diagnostics into LSP diagnostics. The analysis uses LSP's 0-based positions
// already, so only severities, codes and related locations need mapping.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import type { Severity, ShapeDiagnostic } from '../analysis/api';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export function toLspDiagnostic(d: ShapeDiagnostic, documentUri: string): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'mlts',
    message: d.message,
    relatedInformation: d.related.map((r) => ({
      location: { uri: r.file ? pathToFileURL(r.file).href : documentUri, range: r.range },
      message: r.message,
    })),
  };
}
