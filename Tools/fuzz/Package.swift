// swift-tools-version: 6.0
// The coverage-guided fuzzer (libFuzzer) of the registry's readers: run with Tools/fuzz/run.sh.
// A package of its own so that the product's build never compiles with the fuzzing sanitizer.
import PackageDescription

let package = Package(
    name: "registry-fuzz",
    dependencies: [.package(name: "teacher-registry", path: "../..")],
    targets: [
        .executableTarget(
            name: "RegistryFuzz",
            dependencies: [
                .product(name: "RegistryStore", package: "teacher-registry"),
                .product(name: "TeacherGrowth", package: "teacher-registry"),
                .product(name: "Spreadsheets", package: "teacher-registry"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
