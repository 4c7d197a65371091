// Plugin versions for all modules (gradle/libs.versions.toml); each module applies its own.
plugins {
    alias(libs.plugins.android.application) apply false
    alias(libs.plugins.kotlin.android) apply false
    alias(libs.plugins.kotlin.jvm) apply false
}
