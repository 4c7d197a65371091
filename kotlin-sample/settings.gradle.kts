// posgate sample: an Android app (:app) on a plain Kotlin/JVM logic module (:logic) that holds
// everything testable without a device. Open this directory in Android Studio.
//
// Before the first build, from the repository root (one level up):
//   ./build-android.sh --flavor demo   # libposgate.so with the embedded sandbox (demo mode)
//                                      #   for four ABIs -> app/src/main/jniLibs/<abi>/
//                                      # Kotlin bindings -> generated/uniffi/io/posgate/posgate.kt

pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

// ---------------------------------------------------------------------------------------------
// rustls-platform-verifier's Android component.
//
// libposgate.so checks TLS certificates against the Android system trust store through the Rust
// crate rustls-platform-verifier, which calls a small Kotlin class over JNI
// (org.rustls.platformverifier.CertificateVerifier; PosGateAndroid.nativeInit fails without it).
// That class is not published to Maven Central: the crate `rustls-platform-verifier-android`
// carries it as a local Maven repository (<crate>/maven, artifact rustls:rustls-platform-verifier)
// inside its source, and `cargo metadata` tells where cargo unpacked that source. This is the
// crate README's recipe, in Kotlin DSL, with three changes:
//  - the Cargo workspace holds two verifier versions (0.6 used by posgate-android, 0.7 pulled in
//    by reqwest but never initialised), so the lookup follows the resolved dependency graph from
//    posgate-android rather than taking the first package with the right name;
//  - JSON is read with Groovy's JsonSlurper, which ships with Gradle (no buildscript classpath);
//  - the component version is read from that repository and pinned (`...:<version>@aar` in
//    app/build.gradle.kts) instead of `latest.release`, so nothing else can satisfy it.
//
// Needs cargo on the PATH (it is needed to build libposgate.so anyway); the first run may download
// the Android-only crates. Without cargo, point at the directory directly:
//   ./gradlew assembleDebug -Pposgate.rustlsVerifierMaven=/path/to/rustls-platform-verifier-android-X/maven
// (or put posgate.rustlsVerifierMaven=... in ~/.gradle/gradle.properties).
// ---------------------------------------------------------------------------------------------
/** The crate's local Maven repository and the component version in it. */
data class RustlsVerifierComponent(val mavenDir: File, val version: String)

fun rustlsPlatformVerifierComponent(): RustlsVerifierComponent {
    val mavenDir = providers.gradleProperty("posgate.rustlsVerifierMaven").orNull?.let { File(it) }
        ?: locateWithCargo()
    // <maven>/rustls/rustls-platform-verifier/<version>/rustls-platform-verifier-<version>.aar
    val versions = File(mavenDir, "rustls/rustls-platform-verifier").listFiles()
        ?.filter { it.isDirectory }?.map { it.name }.orEmpty()
    if (versions.isEmpty()) {
        throw GradleException("No rustls:rustls-platform-verifier component under $mavenDir")
    }
    // One per crate version; take the highest should a directory ever hold more.
    val version = versions.maxWithOrNull(
        compareBy<String>({ it.split('.').getOrNull(0)?.toIntOrNull() ?: 0 },
            { it.split('.').getOrNull(1)?.toIntOrNull() ?: 0 },
            { it.split('.').getOrNull(2)?.toIntOrNull() ?: 0 }),
    )!!
    return RustlsVerifierComponent(mavenDir, version)
}

fun locateWithCargo(): File {
    val workspace = rootDir.parentFile // the posgate Cargo workspace
    val manifest = File(workspace, "android-bindings/Cargo.toml")
    val metadata = try {
        providers.exec {
            workingDir = workspace
            commandLine(
                "cargo", "metadata", "--format-version", "1",
                "--filter-platform", "aarch64-linux-android",
                "--manifest-path", manifest.path,
            )
        }.standardOutput.asText.get()
    } catch (e: Exception) {
        throw GradleException(
            "Could not run `cargo metadata` for $manifest to locate rustls-platform-verifier's Android " +
                "component. Install Rust (https://rustup.rs) or pass -Pposgate.rustlsVerifierMaven=<dir>.",
            e,
        )
    }

    @Suppress("UNCHECKED_CAST")
    val json = groovy.json.JsonSlurper().parseText(metadata) as Map<String, Any?>
    @Suppress("UNCHECKED_CAST")
    val packages = json["packages"] as List<Map<String, Any?>>
    @Suppress("UNCHECKED_CAST")
    val nodes = (json["resolve"] as Map<String, Any?>)["nodes"] as List<Map<String, Any?>>

    fun dependency(id: String, crate: String): String {
        @Suppress("UNCHECKED_CAST")
        val deps = nodes.first { it["id"] == id }["deps"] as List<Map<String, Any?>>
        return deps.firstOrNull { it["name"] == crate }?.get("pkg") as String?
            ?: throw GradleException("cargo metadata: $id does not depend on $crate")
    }

    // posgate-android -> rustls-platform-verifier (the version it initialises) -> its component.
    val bindings = packages.first { it["name"] == "posgate-android" }["id"] as String
    val verifier = dependency(bindings, "rustls_platform_verifier")
    val component = dependency(verifier, "rustls_platform_verifier_android")
    val manifestPath = packages.first { it["id"] == component }["manifest_path"] as String
    return File(File(manifestPath).parentFile, "maven")
}

val rustlsVerifier = rustlsPlatformVerifierComponent()
// app/build.gradle.kts depends on "rustls:rustls-platform-verifier:<this>@aar".
gradle.extra["rustlsVerifierVersion"] = rustlsVerifier.version

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // Group `rustls` comes from the crate's local repository and nowhere else.
        exclusiveContent {
            forRepository {
                maven {
                    name = "rustlsPlatformVerifier"
                    url = uri(rustlsVerifier.mavenDir)
                    metadataSources {
                        mavenPom()
                        artifact()
                    }
                }
            }
            filter { includeGroup("rustls") }
        }
    }
}

rootProject.name = "posgate-sample"
include(":app", ":logic")
