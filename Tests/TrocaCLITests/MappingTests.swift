import FixedWidth
import Foundation
import Testing

@testable import TrocaCLI

/// Which stages may map the files they read: every stage run alone (a file truncated meanwhile
/// stops it with exit 74, see `BinaryTests.aFileTruncatedWhileItIsReadIsAnInputError`), but not
/// the stages of `troca watch`, which must fail that one file and go on.
@Suite struct MappingTests {
    @Test func aStageMapsItsFilesUnlessItsIOSaysNot() throws {
        let path = repoRoot + "/Fixtures/samples/REMESSA-240.rem"
        var io = IO(stdin: { MemorySource([]) }, stdout: { _ in }, stderr: { _ in }, environment: [:], currentDirectory: repoRoot)
        #expect(io.mapsInputs)
        let mapped = try #require(try CnabRun.source(path, io) as? FileSource)
        #expect(mapped.mappable != nil)
        io.mapsInputs = false
        let read = try #require(try CnabRun.source(path, io) as? FileSource)
        #expect(read.mappable == nil)
    }

    @Test func aWatchersStagesReadTheirFiles() {
        let io = IO(stdin: { MemorySource([]) }, stdout: { _ in }, stderr: { _ in }, environment: [:], currentDirectory: repoRoot)
        let stage = WatchCommand.stageIO(directory: repoRoot, io) { _ in }
        #expect(!stage.mapsInputs)
        #expect(stage.currentDirectory == repoRoot)
    }
}
