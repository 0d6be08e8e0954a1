/// Inline SVG line charts for the HTML report (behaviour.md "The operator's time and trends"): plain elements and
/// presentation attributes, no script, no external file, so a mail client draws
/// them as a browser does. Each chart is an image with a `<title>` and a `<desc>`
/// holding its numbers, for screen readers and for anyone who wants the values.
///
/// The mapping, which the tests recompute: point i of n sits at
/// x = i × width / (n − 1) (one point: the middle); a value v on the scale
/// [low, high] at y = height × (high − v) / (high − low). Both are written with
/// two decimals. An hour without a value breaks the line.
enum SVGChart {
    struct Scale {
        var low: Double
        var high: Double
    }

    struct Line {
        var value: Double
        var cssClass: String
        var label: String
    }

    static let ink = "#4a7bd0"
    static let alarm = "#c62828"

    static func x(_ i: Int, of n: Int, width: Double) -> Double {
        n <= 1 ? width / 2 : Double(i) * width / Double(n - 1)
    }

    static func y(_ v: Double, scale: Scale, height: Double) -> Double {
        let range = scale.high - scale.low
        return range > 0 ? height * (scale.high - v) / range : height / 2
    }

    /// A chart of `values` (nil: no value that hour) with horizontal `lines` (thresholds).
    static func chart(values: [Double?], scale: Scale, lines: [Line] = [], width: Double, height: Double,
                      title: String, description: String, cssClass: String, stroke: String = ink) -> String {
        let e = MetricsReport.escape
        var out = "<svg class=\"chart \(cssClass)\" role=\"img\" width=\"\(number(width))\" height=\"\(number(height))\" "
        out += "viewBox=\"-2 -2 \(number(width + 4)) \(number(height + 4))\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<title>\(e(title))</title><desc>\(e(description))</desc>"
        out += "<rect x=\"-2\" y=\"-2\" width=\"\(number(width + 4))\" height=\"\(number(height + 4))\" fill=\"#f6f7fb\"/>"
        for line in lines {
            let y = number(y(line.value, scale: scale, height: height))
            out += "<line class=\"\(line.cssClass)\" x1=\"0\" y1=\"\(y)\" x2=\"\(number(width))\" y2=\"\(y)\" stroke=\"\(line.cssClass == "threshold" ? alarm : "#2e7d32")\" stroke-width=\"1\" stroke-dasharray=\"4 3\"><title>\(e(line.label))</title></line>"
        }
        for segment in segments(values) {
            // A lone value is a zero-length line: its round caps draw it as a dot.
            let points = (segment.count == 1 ? [segment[0], segment[0]] : segment).map { i, v in
                "\(number(x(i, of: values.count, width: width))),\(number(y(v, scale: scale, height: height)))"
            }
            out += "<polyline class=\"series\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"1.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
        }
        return out + "</svg>"
    }

    /// Runs of consecutive hours with a value, as (hour index, value).
    static func segments(_ values: [Double?]) -> [[(Int, Double)]] {
        var out: [[(Int, Double)]] = []
        var current: [(Int, Double)] = []
        for (i, v) in values.enumerated() {
            if let v { current.append((i, v)) } else if !current.isEmpty { out.append(current); current = [] }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func number(_ v: Double) -> String { ValueFormatter.fixed(v, decimals: 2) }
}
