/// What a code turned out to be once read.
public enum DecodedCode: Sendable, Hashable {
    /// A boleto de cobrança (47-digit line or 44-digit barcode starting with a bank code).
    case bank(BankCodeReading)
    /// An arrecadação code (48-digit line or 44-digit barcode starting with 8).
    case arrecadacao(ArrecadacaoReading)
    /// A Pix BR Code payload.
    case pix(PixBRCode)
}

/// A bank boleto read from a code.
public struct BankCodeReading: Sendable, Hashable {
    /// The barcode (from the line if a line was given).
    public var barcode: Barcode
    /// Its line.
    public var linhaDigitavel: LinhaDigitavel
    /// The due date the factor stands for in the window around the reading date; nil for factor
    /// 0000 (no due date) or when no date fits.
    public var dueDate: BoletoDate?
    /// The bank's fields, when Troca knows the bank's campo livre.
    public var fields: CampoLivreFields?
    /// Wrong check digits (columns in the text read): the code is invalid.
    public var errors: [BoletoError]
    /// Findings that do not make the code unpayable: a campo livre's own check digits, a
    /// factor with no date in the window.
    public var warnings: [BoletoError]
    /// Whether every FEBRABAN check digit is right.
    public var valid: Bool { errors.isEmpty }
}

/// An arrecadação code read from text.
public struct ArrecadacaoReading: Sendable, Hashable {
    /// The barcode.
    public var barcode: Arrecadacao
    /// Wrong check digits (columns in the text read).
    public var errors: [BoletoError]
    /// Findings that do not make the code unpayable: a segment ARR7 does not define.
    public var warnings: [BoletoError] = []
    /// Whether every check digit is right.
    public var valid: Bool { errors.isEmpty }

    init(barcode: Arrecadacao, errors: [BoletoError], segmentColumn: Int) {
        self.barcode = barcode
        self.errors = errors
        if Arrecadacao.segmentNames[barcode.segment] == nil {
            warnings.append(
                BoletoError(
                    BoletoError.Code.kind,
                    "segment \(String(UnicodeScalar(barcode.segment))) (position 2) is not one ARR7 defines (1 to 7, and 9)",
                    column: segmentColumn))
        }
    }
}

/// Reads any code: bank barcode (44) or line (47), arrecadação barcode (44, starting with 8) or
/// line (48), or a Pix BR Code (starting with `000201`). Separators are accepted as
/// `CodeText` describes.
public enum BoletoDecoder {
    /// Reads `text`; throws when it is no code at all (letters, a wrong length), and returns the
    /// reading with its errors when it is a code with wrong check digits.
    public static func decode(_ text: String, asOf: BoletoDate) throws(BoletoError) -> DecodedCode {
        if text.hasPrefix("000201") {
            return .pix(try PixBRCode.decode(text))
        }
        let code = try CodeText(text)
        let d = code.digits
        func at(_ e: BoletoError) -> BoletoError {
            var e = e
            if e.column > 0 { e.column = code.column(ofDigit: e.column - 1) }
            return e
        }
        switch d.count {
        case 44 where d[0] == 56:
            let a = Arrecadacao(unchecked: d)
            return .arrecadacao(ArrecadacaoReading(barcode: a, errors: a.check().map { [at($0)] } ?? [], segmentColumn: code.column(ofDigit: 1)))
        case 48:
            guard d[0] == 56 else {
                throw BoletoError(BoletoError.Code.kind, "a 48-digit line is an arrecadação line, which starts with 8; found \(d[0] - 48)", column: code.column(ofDigit: 0))
            }
            let (a, errors) = Arrecadacao.fromLine(d)
            return .arrecadacao(ArrecadacaoReading(barcode: a, errors: errors.map(at), segmentColumn: code.column(ofDigit: 1)))
        case 44:
            let b = Barcode(unchecked: d)
            var reading = read(b, asOf: asOf)
            reading.errors = b.check().map { [at($0)] } ?? []
            reading.warnings = reading.warnings.map(at)
            return .bank(reading)
        case 47:
            let line = LinhaDigitavel(unchecked: d)
            var reading = read(line.barcode, asOf: asOf)
            reading.errors = line.check().map(at)
            reading.warnings = reading.warnings.map { w in
                var w = w
                w.column = LinhaDigitavel.linePosition(ofBarcodePosition: w.column)
                return at(w)
            }
            return .bank(reading)
        default:
            throw BoletoError(
                BoletoError.Code.length,
                "found \(d.count) digits: a bank boleto has 44 (barcode) or 47 (line), an arrecadação code 44 or 48, a Pix payload starts with 000201")
        }
    }

    /// The due date and bank fields of a barcode (its check digits are not judged here).
    static func read(_ b: Barcode, asOf: BoletoDate) -> BankCodeReading {
        var warnings: [BoletoError] = []
        var due: BoletoDate? = nil
        let factor = b.factor
        if factor != 0 {
            due = DueDateFactor.date(for: factor, asOf: asOf)
            if due == nil {
                let w = DueDateFactor.window(asOf: asOf)
                warnings.append(
                    BoletoError(
                        BoletoError.Code.factor,
                        factor < 1000
                            ? "factor \(factor) is below 1000: no date in FEBRABAN's cycle"
                            : "factor \(factor) names no date in the window around \(asOf) (\(w.lowerBound) … \(w.upperBound))",
                        column: 6))
            }
        }
        var fields: CampoLivreFields? = nil
        if let layout = CampoLivre.known(b.bank) {
            let r = layout.read(b.campoLivre)
            fields = r.fields
            warnings += r.problems
        }
        return BankCodeReading(barcode: b, linhaDigitavel: b.linhaDigitavel, dueDate: due, fields: fields, errors: [], warnings: warnings)
    }
}

extension LinhaDigitavel {
    /// Where a barcode position is in the line (1-based both; 0 stays 0).
    public static func linePosition(ofBarcodePosition p: Int) -> Int {
        switch p {
        case 1...4: return p
        case 5: return 33
        case 6...19: return p + 28
        case 20...24: return p - 15
        case 25...34: return p - 14
        case 35...44: return p - 13
        default: return 0
        }
    }
}
