/// A small bar chart of one series of daily counts, drawn as inline SVG on the server: no script, no
/// stylesheet beyond the console's own, and nothing but numbers and day labels in it.
struct CountChart {
    /// The days shown, oldest first (`YYYY-MM-DD`).
    var days: [String]
    /// The count for each day, parallel to `days`.
    var values: [Int]
    /// What the chart shows, for screen readers.
    var label: String

    /// The drawing's size in pixels.
    var width = 320
    var height = 96

    var svg: Markup {
        let top = max(values.max() ?? 0, 1)
        let plotHeight = height - 20
        let slot = Double(width - 30) / Double(max(days.count, 1))
        var bars: [Markup] = []
        for (index, value) in values.enumerated() {
            let barHeight = Int((Double(value) / Double(top) * Double(plotHeight)).rounded())
            let x = 28 + Int(Double(index) * slot)
            let width = max(1, Int(slot) - 1)
            bars.append(
                """
                <rect x="\(x)" y="\(plotHeight - barHeight + 4)" width="\(width)" height="\(barHeight)" \
                fill="#1f5f8b"><title>\(days[index]): \(value)</title></rect>
                """)
        }
        // A small chart has no room for the scale: its row's total says the size.
        let axis: Markup =
            height >= 60 ? "<text x=\"0\" y=\"12\">\(top)</text><text x=\"0\" y=\"\(plotHeight + 4)\">0</text>" : ""
        let first = days.first.map { String($0.suffix(5)) } ?? ""
        let last = days.last.map { String($0.suffix(5)) } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" role="img" aria-label="\(label)">\
            <line x1="27" y1="\(plotHeight + 4)" x2="\(width - 2)" y2="\(plotHeight + 4)" stroke="#d9dee5"/>\
            \(axis)\
            \(bars)\
            <text x="28" y="\(height - 2)">\(first)</text>\
            <text x="\(width - 34)" y="\(height - 2)">\(last)</text></svg>
            """
    }
}
