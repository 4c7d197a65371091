import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "io.posgate.sample"
    compileSdk = 35

    defaultConfig {
        applicationId = "io.posgate.sample"
        // Android 5.1 (API 22): the oldest Sunmi terminals (V1s, P1) still run it, and it is the
        // floor of the stack (rustls-platform-verifier's Android part); libposgate.so is built
        // for the same level by build-android.sh.
        minSdk = 22
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The four ABIs build-android.sh produces (Sunmi terminals are mostly armeabi-v7a and
        // arm64-v8a; the x86 pair is for the emulator).
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86", "x86_64") }
        // `connectedAndroidTest` runs src/androidTest/java (the Kotlin suite the host JVM also runs,
        // see the README's "Tests on Android") as plain JUnit 4 classes: no @RunWith needed.
        testInstrumentationRunner = "androidx.test.runner.AndroidJUnitRunner"
    }

    // libposgate.so comes prebuilt: `build-android.sh --flavor demo` writes
    // src/main/jniLibs/<abi>/libposgate.so (src/main/jniLibs is AGP's default location;
    // git-ignored). The demo flavour, because the sample's demo mode runs the embedded sandbox.
    // The instrumentation tests need it too: they run in the app's process (SampleApp.onCreate
    // has loaded that libposgate.so and called nativeInit) and pay against startSandbox().

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
            // A sample: signed with the debug key so `assembleRelease` installs. Use your own key.
            signingConfig = signingConfigs.getByName("debug")
        }
    }

    packaging {
        jniLibs {
            // Keep native libraries uncompressed in the APK and page-aligned: AGP 8.5.1+ aligns
            // them to 16 KB, which Android 15+ devices with 16 KB pages require (Play requires it
            // for apps targeting Android 15+). The .so files themselves must be linked with
            // 16 KB max page size: build-android.sh does (-z max-page-size=16384), and JNA 5.17+
            // ships 16 KB aligned libjnidispatch.so. Also lets the system map them in place.
            useLegacyPackaging = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures {
        viewBinding = true
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

// Set by settings.gradle.kts from the Cargo workspace (rustls-platform-verifier-android).
val rustlsVerifierVersion = gradle.extra["rustlsVerifierVersion"] as String

dependencies {
    implementation(project(":logic"))

    // JNA for the generated bindings. The @aar carries libjnidispatch.so for every Android ABI
    // (the plain jar only has desktop ones); 5.17.0+ is 16 KB page aligned.
    implementation("net.java.dev.jna:jna:5.17.0@aar")

    // rustls-platform-verifier's Kotlin half (org.rustls.platformverifier.*), called by
    // libposgate.so over JNI to check TLS certificates against the system trust store.
    implementation("rustls:rustls-platform-verifier:$rustlsVerifierVersion@aar")

    implementation(libs.kotlinx.coroutines.android)
    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.appcompat)
    implementation(libs.androidx.activity.ktx)
    implementation(libs.androidx.lifecycle.viewmodel.ktx)
    implementation(libs.androidx.lifecycle.runtime.ktx)
    implementation(libs.material)

    // The shared Kotlin suite as instrumentation tests. It sees the generated bindings and the
    // logic module the way the app does, through implementation(project(":logic")) above, and the
    // app's JNA and coroutines. kotlin-test-junit maps kotlin.test.Test to JUnit 4's @Test (the
    // host build of the same sources uses kotlin-test-junit5 instead), and the kotlin.test
    // assertions report through JUnit 4. The version follows the Kotlin plugin. ext.junit
    // (AndroidJUnit4, ActivityScenario rules) is for Android-only tests beside the shared ones.
    androidTestImplementation(libs.androidx.test.runner)
    androidTestImplementation(libs.androidx.test.ext.junit)
    androidTestImplementation(kotlin("test-junit"))
    androidTestImplementation(libs.kotlinx.coroutines.core)
}
