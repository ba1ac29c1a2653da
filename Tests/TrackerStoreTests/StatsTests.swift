// StatsTests: sample statistics, the incomplete beta function, Student t
// quantiles and Welch's test against reference values.
//
// Reference values were computed with Python 3 + SciPy 1.17.1:
//   scipy.special.betainc(a, b, x), scipy.stats.t.ppf(p, df),
//   scipy.stats.ttest_ind(a, b, equal_var=False), and numpy for the
//   Welch–Satterthwaite df and the CI (d ± t.ppf(0.975, df) · se).
import XCTest

@testable import TrackerStore

final class StatsTests: XCTestCase {
  func testSampleStatisticsByHand() throws {
    // mean (0.91+0.93+0.92+0.95)/4 = 0.9275; deviations -0.0175, 0.0025,
    // -0.0075, 0.0225: squares sum to 0.000875, / 3, sqrt = 0.017078...
    let s = try XCTUnwrap(SampleStatistics([0.91, 0.93, 0.92, 0.95]))
    XCTAssertEqual(s.count, 4)
    XCTAssertEqual(s.mean, 0.9275, accuracy: 1e-15)
    XCTAssertEqual(try XCTUnwrap(s.standardDeviation), 0.017078251276599298, accuracy: 1e-15)
    XCTAssertEqual(s.minimum, 0.91)
    XCTAssertEqual(s.maximum, 0.95)
    XCTAssertEqual(s.median, 0.925, accuracy: 1e-15)  // (0.92 + 0.93) / 2

    let odd = try XCTUnwrap(SampleStatistics([30, 10, 20]))
    XCTAssertEqual(odd.median, 20)
    XCTAssertEqual(odd.standardDeviation, 10)  // deviations -10, 0, 10: 200 / 2 = 100

    let one = try XCTUnwrap(SampleStatistics([0.5]))
    XCTAssertNil(one.standardDeviation, "the sample std of one value is undefined")
    XCTAssertEqual(one.median, 0.5)
    XCTAssertNil(SampleStatistics([]))
  }

  func testRegularizedIncompleteBetaMatchesSciPy() {
    let cases: [(x: Double, a: Double, b: Double, expected: Double)] = [
      (0.3, 2.5, 0.5, 0.018927124071945658),
      (0.9, 10, 0.5, 0.15164090963470994),
      (0.5, 0.5, 0.5, 0.5),
      (0.2, 3.65, 0.5, 0.0008740968994658442),
      (0.99, 50, 0.5, 0.3173043978741973),
      (0.001, 1.5, 0.5, 1.3425151723196833e-05),
    ]
    for c in cases {
      let value = StudentT.regularizedIncompleteBeta(c.x, a: c.a, b: c.b)
      XCTAssertEqual(
        value, c.expected, accuracy: 1e-12 * max(1, c.expected), "I_\(c.x)(\(c.a), \(c.b))")
    }
    XCTAssertEqual(StudentT.regularizedIncompleteBeta(0, a: 2, b: 3), 0)
    XCTAssertEqual(StudentT.regularizedIncompleteBeta(1, a: 2, b: 3), 1)
  }

  func testStudentTQuantilesMatchSciPy() {
    let cases: [(p: Double, df: Double, expected: Double)] = [
      (0.975, 1, 12.706204736174694),
      (0.975, 7.3, 2.345066736547703),
      (0.975, 30, 2.0422724563012378),
      (0.975, 1000, 1.9623390808264083),
      (0.995, 4, 4.604094871349992),
      (0.9, 2.5, 1.7302509288071766),
    ]
    for c in cases {
      XCTAssertEqual(
        StudentT.quantile(c.p, degreesOfFreedom: c.df), c.expected, accuracy: 1e-9,
        "t.ppf(\(c.p), \(c.df))")
      XCTAssertEqual(
        StudentT.quantile(1 - c.p, degreesOfFreedom: c.df), -c.expected, accuracy: 1e-9)
    }
    XCTAssertEqual(StudentT.quantile(0.5, degreesOfFreedom: 3), 0)
  }

  func testWelchMatchesSciPy() throws {
    let test = try XCTUnwrap(WelchTest([0.91, 0.93, 0.92, 0.95], [0.88, 0.90, 0.87]))
    XCTAssertEqual(test.difference, 0.04416666666666669, accuracy: 1e-15)
    XCTAssertEqual(test.standardError, 0.012275766552213524, accuracy: 1e-15)
    XCTAssertEqual(test.degreesOfFreedom, 4.733990147783244, accuracy: 1e-12)
    XCTAssertEqual(test.t, 3.597874436501296, accuracy: 1e-12)
    XCTAssertEqual(test.pValue, 0.0171085474105439, accuracy: 1e-12)
    XCTAssertEqual(test.lower, 0.01206994266899903, accuracy: 1e-10)
    XCTAssertEqual(test.upper, 0.07626339066433435, accuracy: 1e-10)

    // Swapping the groups flips the sign and keeps the p-value.
    let swapped = try XCTUnwrap(WelchTest([0.5, 0.6], [0.55, 0.56, 0.57, 0.58]))
    XCTAssertEqual(swapped.t, -0.2975308222082792, accuracy: 1e-12)
    XCTAssertEqual(swapped.degreesOfFreedom, 1.0335154152393293, accuracy: 1e-12)
    XCTAssertEqual(swapped.pValue, 0.8146526131546293, accuracy: 1e-10)
  }

  func testWelchNeedsTwoRunsEachAndSomeSpread() {
    XCTAssertNil(WelchTest([0.9], [0.8, 0.85]), "one run in a group")
    XCTAssertNil(WelchTest([0.9, 0.9], [0.8, 0.8]), "no spread: t undefined")
    XCTAssertNotNil(WelchTest([0.9, 0.9], [0.8, 0.81]), "spread in one group is enough")
  }
}
