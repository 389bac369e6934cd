// The messages in locales/*.toml are compiled into the binary by
// rust-i18n's i18n! macro, which cargo does not know reads them: without
// this, editing a message file would leave the old text in the build.
fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=build.rs");
}
