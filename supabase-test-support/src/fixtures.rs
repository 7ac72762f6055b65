//! The fixtures of the conformance recorder (`shared/conformance/cases.json` → `fixtures`).

/// The Supabase local-dev JWT secret.
pub const JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";

/// The well-known local-dev anon key.
pub const ANON_KEY: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

/// The well-known local-dev service-role key.
pub const SERVICE_ROLE_KEY: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

/// The token the goldens pass to `setAuth` (user `…0002`, `external@example.com`, exp 2100).
pub const EXTERNAL_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3MDQwNjcyMDAsImlzcyI6ImNvbmZvcm1hbmNlLXJlY29yZGVyIiwic3ViIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAyIiwiZW1haWwiOiJleHRlcm5hbEBleGFtcGxlLmNvbSIsInBob25lIjoiIiwiYXBwX21ldGFkYXRhIjp7InByb3ZpZGVyIjoiZW1haWwiLCJwcm92aWRlcnMiOlsiZW1haWwiXX0sInVzZXJfbWV0YWRhdGEiOnt9LCJyb2xlIjoiYXV0aGVudGljYXRlZCIsImFhbCI6ImFhbDEiLCJhbXIiOlt7Im1ldGhvZCI6InBhc3N3b3JkIiwidGltZXN0YW1wIjoxNzA0MDY3MjAwfV0sInNlc3Npb25faWQiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwYjEiLCJpc19hbm9ueW1vdXMiOmZhbHNlfQ.dXBOXWbAMRdcRC4E2964vvt0053uOqCk3C8wbTjEmOQ";

/// The user id inside [`EXTERNAL_JWT`].
pub const EXTERNAL_USER_ID: &str = "00000000-0000-4000-8000-000000000002";

/// `exp` of every recorder token: 2100-01-01T00:00:00Z.
pub const FAR_FUTURE_EXP: u64 = 4_102_444_800;
