// The page the email verification link opens (#verify-email?token=…): the token is sent at
// once, and the outcome is what the next page (the app, or the login form) says.
export async function verifyEmail({ api, params, status }) {
  status.textContent = "Confirming your email address…";
  const link = { token: params.get("token") ?? "" };
  if (params.get("uid")) link.uid = params.get("uid");
  try {
    const { message } = await api.post("/api/verify-email/", link);
    return message;
  } catch (error) {
    return `The email address was not confirmed: ${error.message}`;
  }
}
