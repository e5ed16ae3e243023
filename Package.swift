// swift-tools-version:6.0
import PackageDescription

// Troca is Foundation-only by the user's requirement: `dependencies` stays empty.
let package = Package(
    name: "Troca",
    products: [
        .executable(name: "troca", targets: ["troca"]),
        .library(name: "TrocaCLI", targets: ["TrocaCLI"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "Records"),
        .target(name: "FixedWidth", dependencies: ["Records"]),
        .target(name: "CNAB", dependencies: ["FixedWidth", "Records"]),
        .target(name: "Boleto"),
        .target(name: "Imports", dependencies: ["FixedWidth", "Records"]),
        .target(name: "Reconcile", dependencies: ["Records"]),
        .target(name: "Watch", dependencies: ["Records"]),
        .target(name: "Letters", dependencies: ["Boleto", "FixedWidth", "Imports", "Reconcile", "Records"]),
        .target(name: "TrocaCLI", dependencies: ["Boleto", "CNAB", "FixedWidth", "Imports", "Letters", "Reconcile", "Records", "Watch"]),
        .executableTarget(name: "troca", dependencies: ["FixedWidth", "TrocaCLI"]),
        .testTarget(name: "RecordsTests", dependencies: ["Records"]),
        .testTarget(name: "FixedWidthTests", dependencies: ["FixedWidth", "Records"]),
        .testTarget(name: "CNABTests", dependencies: ["CNAB", "FixedWidth", "Records"]),
        .testTarget(name: "BoletoTests", dependencies: ["Boleto"]),
        .testTarget(name: "ImportsTests", dependencies: ["Imports", "FixedWidth", "Records"]),
        .testTarget(name: "LettersTests", dependencies: ["Letters", "Boleto", "Records"]),
        .testTarget(name: "ReconcileTests", dependencies: ["Reconcile", "Records"]),
        .testTarget(name: "WatchTests", dependencies: ["Watch", "Records"]),
        .testTarget(name: "TrocaCLITests", dependencies: ["TrocaCLI", "Boleto", "Watch"]),
    ],
    swiftLanguageModes: [.v6]
)
